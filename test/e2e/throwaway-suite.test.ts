// Adding a suite is one catalog entry, a runner and a config file — nothing else. This test declares a
// throwaway suite the project does not have (its runner in this file, its config file in a temp folder),
// hands the catalog to real workers on a real Temporal dev server, and runs a sweep: the early check
// validates the sweep's overrides against the new config's schema before any model loads, the host worker
// runs the runner with the file's values and the overrides merged, and a valid envelope is published.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnvelopes } from '../../activities/dataset/query.js';
import { validateEnvelope } from '../../activities/envelope/validate.js';
import { SUITE_CATALOG, type SuiteDeclaration } from '../../activities/suites/catalog.js';
import type { SuiteRunner } from '../../activities/suites/types.js';
import { startSimServer, type SimServer } from '../../client/sim-server/server.js';
import { startWorkers, type RunningWorkers } from '../../workers/run.js';
import { benchmarkSweep } from '../../workflows/benchmark-sweep.js';
import { startHarness, type Harness } from '../workflows/harness.js';

const MODEL = 'sim-throwaway';
interface GreetingConfig {
  greeting: string;
  times: number;
}

// The runner: one result per configured repetition, saying what it was configured with.
const greetingRunner: SuiteRunner<GreetingConfig> = (context) => {
  context.onProgress({ completed: context.config.times, total: context.config.times });
  return Promise.resolve({
    results: Array.from({ length: context.config.times }, (_, i) => ({
      name: `greeting_${i}`,
      metric: 'score',
      value: 1,
      unit: 'ratio',
      tags: { greeting: context.config.greeting, better: 'higher' },
    })),
    errors: [],
  });
};

// Undefined until beforeAll got that far: afterAll cleans up whatever started.
let h: Harness | undefined;
let sim: SimServer | undefined;
let dir: string;
let workers: RunningWorkers | undefined;
let throwaway: SuiteDeclaration;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-throwaway-'));
  const configFile = join(dir, 'greeting.toml');
  await writeFile(configFile, 'greeting = "hello"\ntimes = 2\n');
  // The catalog entry: a suite name the schema has, a runner, a config file and its schema.
  throwaway = {
    suite: 'framework-eval',
    tool: 'nightshift',
    configFile,
    config: () =>
      Promise.resolve({
        schema: {
          type: 'object',
          additionalProperties: false,
          properties: { greeting: { type: 'string', minLength: 1 }, times: { type: 'integer', minimum: 1, maximum: 10 } },
        },
      }),
    runner: () => Promise.resolve(greetingRunner as SuiteRunner),
    output: 'results',
  };
  const harness = await startHarness();
  h = harness;
  const server = await startSimServer({ config: { seed: 1, models: [{ id: MODEL, preload: true, ttft_ms: 1, decode_tokens_per_second: 5000 }] } });
  sim = server;
  workers = await startWorkers({
    target: harness.target,
    hostQueue: `throwaway-${process.pid}`,
    dataDir: join(dir, 'data'),
    dataset: join(dir, 'dataset'),
    catalog: [throwaway, ...SUITE_CATALOG.filter((d) => d.suite !== throwaway.suite)],
  });
});

afterAll(async () => {
  await workers?.shutdown();
  await sim?.close();
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

const sweep = (id: string, suiteConfig: Record<string, unknown>) =>
  h!.client.workflow.start(benchmarkSweep, {
    taskQueue: 'nightshift',
    workflowId: `${id}-${process.pid}`,
    args: [{ models: [MODEL], suites: ['framework-eval'], endpoint: sim!.url, hostQueue: `throwaway-${process.pid}`, warmUp: false, suiteConfig: { 'framework-eval': suiteConfig } }],
  });

describe('a suite added by one catalog entry', { timeout: 120_000 }, () => {
  it('runs in a sweep with its config file and the sweep overrides, and publishes a valid envelope', async () => {
    const result = await (await sweep('throwaway-ok', { times: 3 })).result();
    expect(result.counts).toEqual({ passed: 1, failed: 0, skipped: 0 });
    const shards = (await readdir(join(dir, 'dataset', 'data'))).filter((f) => f.includes('-framework-eval-'));
    expect(shards).toHaveLength(1);
    const [envelope] = await readEnvelopes(join(dir, 'dataset', 'data', shards[0]!));
    expect(validateEnvelope(envelope).valid).toBe(true);
    // The runner's three results, and the model's load (every envelope of a sweep records it).
    expect(envelope!.results.map((r) => r.name)).toEqual(['greeting_0', 'greeting_1', 'greeting_2', 'model_load']);
    expect(envelope!.results[0]!.tags).toMatchObject({ greeting: 'hello', better: 'higher' });
  });

  it('refuses a bad override against the new schema before any model loads', async () => {
    const handle = await sweep('throwaway-bad', { times: 0, colour: 'red' });
    const failure = await handle.result().then(
      () => undefined,
      (e: unknown) => (e as { cause?: unknown }).cause,
    );
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).message).toContain('suiteConfig.framework-eval.times: must be >= 1');
    expect((failure as ApplicationFailure).message).toContain('suiteConfig.framework-eval.colour: unknown key "colour"');
    const history = await handle.fetchHistory();
    expect(history.events?.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? [])).toEqual(['checkSweep']);
  });
});
