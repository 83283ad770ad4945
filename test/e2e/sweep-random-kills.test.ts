// The worker SIGKILLed at 10 random points of one sweep (3 models × 2 suites, real dev server, real worker
// processes, the simulated endpoint): every pair ends published exactly once, and each published envelope
// holds the same measurements, in number and names, as a run that was never interrupted. The points are
// random steps of the sweep's progress (a journaled cell or a published shard), drawn from a seed that the
// test prints, so a failure can be replayed with NIGHTSHIFT_KILL_SEED.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnvelopes } from '../../activities/dataset/query.js';
import { seededRandom } from '../../activities/suites/perf/prompt.js';
import { benchmarkSweep } from '../../workflows/benchmark-sweep.js';
import { sweepResult } from '../../client/temporal/sweep-result.js';
import { startHarness, type Harness } from '../workflows/harness.js';
import { startCli, stopChild, type Child } from './processes.js';

const KILLS = 10;
const MODELS = ['sim-k1', 'sim-k2', 'sim-k3'];
const SUITES = ['ttft', 'throughput'] as const;
const suiteConfig = {
  ttft: { prompt_tokens: [16, 24, 32, 40], max_tokens: 2, concurrency: [1], repeats: 3, warmup_rounds: 0, calibrate_prompts: false },
  throughput: { prompt_tokens: [32], max_tokens: 8, concurrency: [1, 2, 4], repeats: 2, warmup_rounds: 0, calibrate_prompts: false },
};
const simModel = (id: string) => ({ id, load_ms: 300, prefill_tokens_per_second: 100000, decode_tokens_per_second: 400, ttft_ms: 120, jitter: 0, reply_tokens: [8, 8] });

let h: Harness | undefined;
let dir = '';
const children: Child[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-kills-'));
  h = await startHarness();
});

afterAll(async () => {
  for (const c of children) await stopChild(c, 'SIGKILL');
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function worker(queue: string, data: string, dataset: string): Promise<Child> {
  const child = await startCli(['worker', '--host-queue', queue, '--data-dir', data, '--dataset-dir', dataset], { TEMPORAL_ADDRESS: h!.server.address, TEMPORAL_NAMESPACE: 'default' });
  children.push(child);
  return child;
}

async function filesUnder(root: string, suffix: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true }).catch(() => [] as string[]);
  return entries.filter((e) => e.endsWith(suffix)).map((e) => join(root, e));
}

/** Steps the sweep has made: journaled units of work (identity lines left out) plus published shards. */
async function progressSteps(data: string, dataset: string): Promise<number> {
  let steps = (await filesUnder(join(dataset, 'data'), '.parquet')).length;
  for (const journal of await filesUnder(join(data, 'journals'), '.jsonl')) {
    const text = await readFile(journal, 'utf8').catch(() => '');
    steps += text.split('\n').filter((l) => l !== '' && !l.startsWith('{"k":"__identity__"')).length;
  }
  return steps;
}

async function runSweep(id: string, queue: string, endpoint: string, dataset: string) {
  return h!.client.workflow.start(benchmarkSweep, {
    taskQueue: 'nightshift',
    workflowId: id,
    args: [{ models: MODELS, suites: [...SUITES], endpoint, hostQueue: queue, suiteConfig, heartbeatTimeoutSeconds: 10, suiteAttempts: 20, dataset }],
  });
}

/** What a shard says, reduced to what must not depend on interruptions: each result's name and metric. */
async function measured(dataset: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const file of await filesUnder(join(dataset, 'data'), '.parquet')) {
    for (const envelope of await readEnvelopes(file)) {
      const key = `${envelope.model}/${envelope.suite}`;
      expect(out.has(key), `${key} published twice`).toBe(false);
      out.set(key, envelope.results.map((r) => `${r.name}:${r.metric}`).sort());
    }
  }
  return out;
}

describe('sweep under random worker kills', { timeout: 900_000 }, () => {
  it(`SIGKILL at ${KILLS} random points: every pair published exactly once, with the measurements of an uninterrupted run`, async () => {
    const seed = Number(process.env.NIGHTSHIFT_KILL_SEED ?? Date.now() % 1_000_000);
    console.log(`kill points drawn with NIGHTSHIFT_KILL_SEED=${seed}`);
    const random = seededRandom(seed);
    await writeFile(join(dir, 'sim.json'), JSON.stringify({ seed: 1, max_loaded_models: 1, models: MODELS.map(simModel) }));
    const sim = await startCli(['sim-server', '--config', join(dir, 'sim.json')], {});
    children.push(sim);
    const endpoint = sim.ready.url as string;

    // The uninterrupted run: how many steps a sweep makes and what each envelope holds.
    const clean = { data: join(dir, 'clean-data'), dataset: join(dir, 'clean-dataset'), queue: `clean-${process.pid}` };
    const cleanWorker = await worker(clean.queue, clean.data, clean.dataset);
    const cleanResult = await sweepResult(await runSweep(`kills-clean-${process.pid}`, clean.queue, endpoint, clean.dataset));
    expect(cleanResult.counts).toEqual({ passed: MODELS.length * SUITES.length, failed: 0, skipped: 0 });
    await stopChild(cleanWorker);
    const totalSteps = await progressSteps(clean.data, clean.dataset);
    const expected = await measured(clean.dataset);
    expect(expected.size).toBe(MODELS.length * SUITES.length);

    // Ten distinct steps after which the worker dies, in order.
    const points = new Set<number>();
    while (points.size < KILLS) points.add(1 + Math.floor(random() * (totalSteps - 1)));
    const order = [...points].sort((a, b) => a - b);
    console.log(`killing after steps ${order.join(', ')} of ${totalSteps}`);

    const run = { data: join(dir, 'data'), dataset: join(dir, 'dataset'), queue: `kills-${process.pid}` };
    let w = await worker(run.queue, run.data, run.dataset);
    const handle = await runSweep(`kills-${process.pid}`, run.queue, endpoint, run.dataset);
    let finished = false as boolean;
    const result = sweepResult(handle).finally(() => {
      finished = true;
    });
    let kills = 0;
    for (const point of order) {
      while (!finished && (await progressSteps(run.data, run.dataset)) < point) await new Promise((r) => setTimeout(r, 100));
      if (finished) break;
      await stopChild(w, 'SIGKILL');
      kills++;
      w = await worker(run.queue, run.data, run.dataset);
    }
    const final = await result;
    await stopChild(w);

    expect(kills).toBe(KILLS);
    expect(final.counts).toEqual({ passed: MODELS.length * SUITES.length, failed: 0, skipped: 0 });
    const got = await measured(run.dataset);
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [key, results] of expected) expect(got.get(key), key).toEqual(results);
    // Every journal holds each unit of work once, however often its activity ran.
    for (const journal of await filesUnder(join(run.data, 'journals'), '.jsonl')) {
      const keys = (await readFile(journal, 'utf8')).split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { k: string }).k);
      expect(new Set(keys).size, journal).toBe(keys.length);
    }
  });
});
