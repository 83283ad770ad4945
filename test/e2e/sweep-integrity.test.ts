// Sweep integrity (issue 11): ways a sweep could publish numbers that are not its own, tried against a
// real Temporal dev server, real workers and the simulated endpoint. Each checks what was published and
// what reached the endpoint, not only that the sweep ended.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnvelopes } from '../../activities/dataset/query.js';
import { startSimServer, type SimServer } from '../../client/sim-server/server.js';
import { startWorkers, type RunningWorkers } from '../../workers/run.js';
import { benchmarkSweep } from '../../workflows/benchmark-sweep.js';
import { startHarness, type Harness } from '../workflows/harness.js';

const MODEL = 'sim-reuse';
const hostQueue = `integrity-${process.pid}`;
let h: Harness | undefined;
let sim: SimServer | undefined;
let workers: RunningWorkers | undefined;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-integrity-'));
  const harness = await startHarness();
  h = harness;
  sim = await startSimServer({ config: { seed: 3, models: [{ id: MODEL, preload: true, ttft_ms: 2, decode_tokens_per_second: 4000 }] } });
  workers = await startWorkers({ target: harness.target, hostQueue, dataDir: join(dir, 'data'), dataset: join(dir, 'dataset') });
});

afterAll(async () => {
  await workers?.shutdown();
  await sim?.close();
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

const chatRequests = () => sim!.stats().models[MODEL]?.routes['/v1/chat/completions'] ?? 0;

function ttftSweep(workflowId: string, repeats: number) {
  return h!.client.workflow.start(benchmarkSweep, {
    taskQueue: 'nightshift',
    workflowId,
    args: [
      {
        models: [MODEL],
        suites: ['ttft'],
        endpoint: sim!.url,
        hostQueue,
        warmUp: false,
        unload: false,
        suiteConfig: { ttft: { prompt_tokens: [32], repeats, warmup_rounds: 0, calibrate_prompts: false, max_tokens: 4 } },
      },
    ],
  });
}

describe('sweep integrity', { timeout: 120_000 }, () => {
  it('a reused workflow id measures afresh: run 2 sends its own requests and publishes its own samples', async () => {
    const id = `reuse-${process.pid}`;
    const first = await ttftSweep(id, 2);
    expect((await first.result()).counts.passed).toBe(1);
    const before = chatRequests();
    const second = await ttftSweep(id, 5);
    expect((await second.result()).counts.passed).toBe(1);
    // Run 2's own five measured requests reached the endpoint (run 1's journal was not resumed from).
    expect(chatRequests() - before).toBe(5);
    const files = (await readdir(join(dir, 'dataset', 'data'))).filter((f) => f.includes(`-ttft-${MODEL}-`));
    expect(files).toHaveLength(2);
    const envelopes = (await Promise.all(files.map((f) => readEnvelopes(join(dir, 'dataset', 'data', f))))).flat();
    // Oldest first: run 1's shard holds its 2 samples, run 2's its own 5 (labelled with run 2's settings).
    const samples = envelopes
      .sort((a, b) => a.timestamp.localeCompare(b.timestamp))
      .map((e) => e.results.find((r) => r.name === 'ttft_ms_p32_c1')?.tags?.samples);
    expect(samples).toEqual(['2', '5']);
  });
});
