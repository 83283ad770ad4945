// Sweeps at scale (issue 11): no payload may grow with the sweep. A sweep continues as new every 100 models
// carrying a compact record, the progress query answers a page at a time, and the result holds counts and
// the first failures. Activities are no-op doubles here: this is about the workflows' payloads and history.
// (`npm run bench:orchestration` measures a 200-model sweep's history; 250 models cross two continue-as-new
// boundaries, which is what this test needs. No 5,000-model sweep has been run: the limit is the input's.)
import { Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepActivities } from '../../activities/sweep/activities.js';
import { startWorkers, type RunningWorkers } from '../../workers/run.js';
import { benchmarkSweep } from '../../workflows/benchmark-sweep.js';
import { sweepProgressQuery } from '../../workflows/definitions.js';
import { allModels } from '../../client/temporal/progress.js';
import { sweepResult } from '../../client/temporal/sweep-result.js';
import { startHarness, type Harness } from '../workflows/harness.js';

const hostQueue = `scale-${process.pid}`;
let h: Harness | undefined;
let workers: RunningWorkers | undefined;

const doubles: Partial<SweepActivities> = {
  loadModel: () => Promise.resolve({ loadSeconds: 0, alreadyLoaded: true, warnings: [] }),
  warmUp: () => Promise.resolve({ warmedUp: true, system: { os: 'test', chip: 'test', memory_gb: 1 } }),
  runSuite: (input) => {
    const info = Context.current().info;
    // Every 50th model fails, so failures cross the continue-as-new boundaries too.
    if (/-(0|50|100|150|200)$/.test(input.model)) return Promise.reject(new Error(`no-op failure of ${input.model}`));
    return Promise.resolve({ suite: input.suite, model: input.model, results: [], errors: [], startedAt: new Date(info.scheduledTimestampMs).toISOString(), completed: 1, total: 1, attempt: info.attempt, resumedFrom: 0, journalPath: '' });
  },
  releaseModel: () => Promise.resolve({ unloaded: true }),
  publishSuite: ({ run }) => Promise.resolve({ shard: `/d/${run.model}.parquet`, written: true, envelopeHash: 'h' }),
};

beforeAll(async () => {
  const harness = await startHarness();
  h = harness;
  workers = await startWorkers({ target: harness.target, hostQueue, activities: doubles });
});

afterAll(async () => {
  await workers?.shutdown();
  await h?.close();
});

describe('sweeps at scale', { timeout: 900_000 }, () => {
  it('250 models: continues as new, keeps every payload small, and still answers every pair', async () => {
    const models = Array.from({ length: 250 }, (_, i) => `sim-scale-${i}`);
    const handle = await h!.client.workflow.start(benchmarkSweep, {
      taskQueue: 'nightshift',
      workflowId: `scale-${process.pid}`,
      args: [{ models, suites: ['ttft'], endpoint: 'http://127.0.0.1:9', hostQueue, suiteAttempts: 1 }],
    });
    const result = await sweepResult(handle);
    expect(result.counts).toEqual({ passed: 245, failed: 5, skipped: 0 });
    expect(result.totals).toEqual({ models: 250, pairs: 250 });
    expect(result.failures.map((f) => f.model)).toEqual(['sim-scale-0', 'sim-scale-50', 'sim-scale-100', 'sim-scale-150', 'sim-scale-200']);
    // Three runs of one sweep (100 + 100 + 50 models), the last one holding the result.
    const runs = [];
    for await (const w of h!.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) runs.push(w.runId);
    expect(runs).toHaveLength(3);
    // No event of the last run carries a payload anywhere near the 2 MB limit.
    const history = await handle.fetchHistory();
    const biggest = Math.max(...(history.events ?? []).map((e) => JSON.stringify(e).length));
    expect(biggest).toBeLessThan(200_000);
    // Every model's state, page by page, across the runs (earlier runs' models from the carried record).
    const all = await allModels(handle, result);
    expect(all).toHaveLength(250);
    expect(all.filter((m) => m.state === 'failed').map((m) => m.model)).toEqual(result.failures.map((f) => f.model));
    expect(all[50]?.suites[0]?.error).toContain('no-op failure of sim-scale-50');
    const page = await handle.query(sweepProgressQuery, { offset: 240, limit: 100 });
    expect(page.models.map((m) => m.model)).toEqual(models.slice(240));
  });

  it('20,000 duplicate models: one failure with the first problems and a count, far below the payload limit', async () => {
    const handle = await h!.client.workflow.start(benchmarkSweep, {
      taskQueue: 'nightshift',
      workflowId: `dupes-${process.pid}`,
      args: [{ models: Array.from({ length: 20_000 }, () => 'sim-same'), suites: ['ttft'], endpoint: 'http://127.0.0.1:9', hostQueue }],
    });
    const failure = await handle.result().then(() => undefined, (e: unknown) => e as WorkflowFailedError);
    const message = failure?.cause?.message ?? '';
    expect(message).toMatch(/^invalid sweep input \(19999 problems\):/);
    expect(message).toContain('models[1]: "sim-same" is listed twice');
    expect(message).toContain('… and 19949 more problem(s)');
    expect(message.length).toBeLessThan(10_000);
  });

  it('more models than a sweep runs is refused with the limit', async () => {
    const handle = await h!.client.workflow.start(benchmarkSweep, {
      taskQueue: 'nightshift',
      workflowId: `too-many-${process.pid}`,
      args: [{ models: Array.from({ length: 5001 }, (_, i) => `m${i}`), suites: ['ttft'], endpoint: 'http://127.0.0.1:9', hostQueue }],
    });
    const failure = await handle.result().then(() => undefined, (e: unknown) => e as WorkflowFailedError);
    expect(failure?.cause?.message).toContain('models: 5001 models; a sweep runs at most 5000');
  });
});
