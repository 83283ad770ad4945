// benchmarkSweep / modelBenchmark orchestration against a real Temporal dev server. The activities are
// test doubles here because these tests are about the workflows (order, failure isolation, retry
// update, skip, cancel, validation); real suites against the simulated endpoint are in test/e2e/.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepActivities } from '../../activities/sweep/activities.js';
import type { RunSuiteInput, RunSuiteResult } from '../../activities/sweep/types.js';
import { startWorkers, type RunningWorkers } from '../../workers/run.js';
import { retryFailedSuitesUpdate, skipModelSignal, sweepProgressQuery, SEARCH_ATTRIBUTES } from '../../workflows/definitions.js';
import { startHarness, type Harness } from './harness.js';
import { benchmarkSweep } from '../../workflows/benchmark-sweep.js';
import { pairsFailedResult } from '../../client/temporal/sweep-result.js';

let h: Harness | undefined;
let workers: RunningWorkers | undefined;
const hostQueue = `test-host-${process.pid}`;

/** Per-test behaviour of the suite double, keyed "model|suite". */
const behaviour = new Map<string, (input: RunSuiteInput) => Promise<void>>();
const calls: string[] = [];
const aborted: string[] = [];

function runResult(input: RunSuiteInput): RunSuiteResult {
  const info = Context.current().info;
  return {
    suite: input.suite,
    model: input.model,
    results: [{ name: 'x', metric: 'score', value: 1, unit: 'ratio' }],
    errors: [],
    startedAt: new Date(info.scheduledTimestampMs).toISOString(),
    completed: 4,
    total: 4,
    attempt: info.attempt,
    resumedFrom: 0,
    journalPath: '',
  };
}

const doubles: Partial<SweepActivities> = {
  loadModel: ({ model }) => {
    calls.push(`load ${model}`);
    if (model.includes('missing')) return Promise.reject(ApplicationFailure.nonRetryable(`model ${model} is not served`, 'ConfigError'));
    return Promise.resolve({ loadSeconds: 0, alreadyLoaded: true, warnings: [] });
  },
  warmUp: () => Promise.resolve({ warmedUp: true, system: { os: 'test', chip: 'test', memory_gb: 1 } }),
  runSuite: async (input) => {
    calls.push(`suite ${input.model} ${input.suite}`);
    await behaviour.get(`${input.model}|${input.suite}`)?.(input);
    return runResult(input);
  },
  releaseModel: ({ model }) => {
    calls.push(`release ${model}`);
    return Promise.resolve({ unloaded: true });
  },
  publishSuite: ({ run }) => Promise.resolve({ shard: `/dataset/data/${run.model}-${run.suite}.parquet`, written: true, envelopeHash: 'h' }),
};

/** Blocks until cancelled (heartbeating so the cancellation is delivered), then records it; with
 * `stopMs`, stopping takes that long (in-flight requests draining) and "stopped <key>" is recorded after. */
function blockUntilCancelled(key: string, stopMs = 0) {
  return async () => {
    const ctx = Context.current();
    const timer = setInterval(() => ctx.heartbeat(), 200);
    try {
      await new Promise<void>((_, reject) =>
        ctx.cancellationSignal.addEventListener('abort', () => {
          // The SDK aborts with a CancelledFailure (an Error).
          const reason: unknown = ctx.cancellationSignal.reason;
          reject(reason instanceof Error ? reason : new Error(String(reason)));
        }),
      );
    } finally {
      clearInterval(timer);
      aborted.push(key);
      if (stopMs > 0) {
        await new Promise((r) => setTimeout(r, stopMs));
        calls.push(`stopped ${key}`);
      }
    }
  };
}

beforeAll(async () => {
  h = await startHarness();
  workers = await startWorkers({ target: h.target, hostQueue, activities: doubles });
});

afterAll(async () => {
  await workers?.shutdown();
  await h?.close();
});

async function waitFor(check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not reached');
}

let n = 0;
const start = (input: unknown) => h!.client.workflow.start(benchmarkSweep, { taskQueue: 'nightshift', workflowId: `sweep-${process.pid}-${++n}`, args: [input] });

describe('benchmarkSweep', () => {
  it('runs one child per model in order, every suite, and reports each pair', async () => {
    calls.length = 0;
    const handle = await start({ models: ['m-a', 'org/m-b'], suites: ['throughput', 'ttft'], endpoint: 'http://127.0.0.1:9' });
    const result = (await handle.result());
    expect(calls).toEqual([
      'load m-a', 'suite m-a throughput', 'suite m-a ttft', 'release m-a',
      'load org/m-b', 'suite org/m-b throughput', 'suite org/m-b ttft', 'release org/m-b',
    ]);
    expect(result.counts).toEqual({ passed: 4, failed: 0, skipped: 0 });
    expect(result.models.map((m) => m.workflowId)).toEqual([`${handle.workflowId}/m-a`, `${handle.workflowId}/org--m-b`]);
    expect(result.models[1]?.suites[1]).toMatchObject({ suite: 'ttft', state: 'passed', attempt: 1, shard: '/dataset/data/org/m-b-ttft.parquet' });
    const child = await h!.client.workflow.getHandle(`${handle.workflowId}/m-a`).describe();
    expect(child.type).toBe('modelBenchmark');
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(SEARCH_ATTRIBUTES.status)).toBe('passed');
    expect(described.typedSearchAttributes.get(SEARCH_ATTRIBUTES.models)).toEqual(['m-a', 'org/m-b']);
    expect((await handle.query(sweepProgressQuery)).state).toBe('completed');
  });

  it('records a failed suite and a model that would not load, and goes on with the rest', async () => {
    behaviour.set('m-c|throughput', () => Promise.reject(ApplicationFailure.nonRetryable('endpoint returned garbage', 'InputError')));
    const handle = await start({ models: ['m-c', 'missing-model', 'm-d'], suites: ['throughput', 'ttft'], endpoint: 'http://127.0.0.1:9' });
    // Ran, with failed pairs: the sweep ends Failed (red in the Web UI) and its failure carries the result.
    const failure = await handle.result().then(() => undefined, (e: unknown) => e);
    const result = pairsFailedResult(failure);
    if (!result) throw new Error(`expected a PairsFailed failure, got ${String(failure)}`);
    expect((failure as WorkflowFailedError).cause?.message).toMatch(/^3 of 6 pairs failed: m-c · throughput: .*endpoint returned garbage/);
    expect((await handle.describe()).status.name).toBe('FAILED');
    // So does the child whose suites failed, naming each; the child that passed completes.
    const child = await h!.client.workflow.getHandle(`${handle.workflowId}/m-c`).describe();
    expect(child.status.name).toBe('FAILED');
    expect((await h!.client.workflow.getHandle(`${handle.workflowId}/m-d`).describe()).status.name).toBe('COMPLETED');
    const [c, missing, d] = result.models;
    expect(c?.suites.map((s) => s.state)).toEqual(['failed', 'passed']);
    expect(c?.suites[0]?.error).toContain('endpoint returned garbage');
    expect(missing?.state).toBe('failed');
    expect(missing?.suites.every((s) => s.state === 'failed' && s.error?.includes('did not load'))).toBe(true);
    expect(d?.state).toBe('passed');
    expect(result.counts).toEqual({ passed: 3, failed: 3, skipped: 0 });
    expect((await handle.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.status)).toBe('failed');
    behaviour.clear();
  });

  it('retryFailedSuites re-runs only the failed pairs of a running sweep', async () => {
    let failOnce = true;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    behaviour.set('r-a|ttft', () => {
      if (!failOnce) return Promise.resolve();
      failOnce = false;
      return Promise.reject(ApplicationFailure.nonRetryable('flaky', 'InputError'));
    });
    behaviour.set('r-b|throughput', () => gate);
    calls.length = 0;
    const handle = await start({ models: ['r-a', 'r-b'], suites: ['throughput', 'ttft'], endpoint: 'http://127.0.0.1:9' });
    await waitFor(() => calls.includes('suite r-b throughput'));
    const queued = await handle.executeUpdate(retryFailedSuitesUpdate, { args: [{}] });
    expect(queued.queued).toEqual([{ model: 'r-a', suite: 'ttft' }]);
    const rejected = await handle.executeUpdate(retryFailedSuitesUpdate, { args: [{ model: 'nope' }] }).then(() => undefined, (e: unknown) => e as Error);
    release();
    expect((rejected?.cause as Error | undefined)?.message).toMatch(/model "nope" is not in this sweep/);
    const result = (await handle.result());
    expect(result.counts).toEqual({ passed: 4, failed: 0, skipped: 0 });
    expect(calls.filter((c) => c.startsWith('suite r-a'))).toEqual(['suite r-a throughput', 'suite r-a ttft', 'suite r-a ttft']);
    expect(result.models[0]?.suites[1]?.workflowId).toBe(`${handle.workflowId}/r-a/retry-1`);
    behaviour.clear();
  });

  it('skipModel skips a pending model and stops the running one at its current suite', async () => {
    behaviour.set('s-a|throughput', blockUntilCancelled('s-a|throughput'));
    calls.length = 0;
    const handle = await start({ models: ['s-a', 's-b', 's-c'], suites: ['throughput', 'ttft'], endpoint: 'http://127.0.0.1:9' });
    await waitFor(() => calls.includes('suite s-a throughput'));
    await handle.signal(skipModelSignal, { model: 's-b', reason: 'not tonight' });
    await handle.signal(skipModelSignal, { model: 's-a' });
    const result = (await handle.result());
    expect(aborted).toContain('s-a|throughput');
    expect(result.models.map((m) => m.state)).toEqual(['skipped', 'skipped', 'passed']);
    expect(result.models[1]?.suites[0]?.error).toBe('not tonight');
    expect(calls).not.toContain('load s-b');
    expect(calls).toContain('release s-a');
    behaviour.clear();
  });

  it('skip and cancel go on only after the running suite has really stopped (its requests drained)', async () => {
    behaviour.set('w-a|throughput', blockUntilCancelled('w-a|throughput', 1500));
    behaviour.set('w-c|ttft', blockUntilCancelled('w-c|ttft', 1500));
    calls.length = 0;
    const skipped = await start({ models: ['w-a', 'w-b'], suites: ['throughput'], endpoint: 'http://127.0.0.1:9' });
    await waitFor(() => calls.includes('suite w-a throughput'));
    await skipped.signal(skipModelSignal, { model: 'w-a' });
    await skipped.result();
    // The model is released (and the next one loaded) only once the suite's work has stopped.
    expect(calls.indexOf('stopped w-a|throughput')).toBeGreaterThan(-1);
    expect(calls.indexOf('stopped w-a|throughput')).toBeLessThan(calls.indexOf('release w-a'));
    expect(calls.indexOf('release w-a')).toBeLessThan(calls.indexOf('load w-b'));
    // In the child's history: the suite reports its cancellation done before the workflow moves on to release.
    const child = await h!.client.workflow.getHandle(`${skipped.workflowId}/w-a`).fetchHistory();
    const kinds = (child.events ?? []).map((e) => (e.activityTaskCanceledEventAttributes ? 'suite stopped' : e.activityTaskScheduledEventAttributes?.activityType?.name));
    expect(kinds.indexOf('suite stopped')).toBeGreaterThan(-1);
    expect(kinds.indexOf('suite stopped')).toBeLessThan(kinds.indexOf('releaseModel'));

    const cancelled = await start({ models: ['w-c'], suites: ['ttft'], endpoint: 'http://127.0.0.1:9' });
    await waitFor(() => calls.includes('suite w-c ttft'));
    await cancelled.cancel();
    await expect(cancelled.result()).rejects.toThrow(WorkflowFailedError);
    expect(calls.indexOf('stopped w-c|ttft')).toBeGreaterThan(-1);
    expect(calls.indexOf('stopped w-c|ttft')).toBeLessThan(calls.indexOf('release w-c'));
    behaviour.clear();
  });

  it('Temporal cancel reaches the running suite and ends the sweep cancelled', async () => {
    behaviour.set('x-a|ttft', blockUntilCancelled('x-a|ttft'));
    calls.length = 0;
    const handle = await start({ models: ['x-a', 'x-b'], suites: ['ttft'], endpoint: 'http://127.0.0.1:9' });
    await waitFor(() => calls.includes('suite x-a ttft'));
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    await waitFor(() => aborted.includes('x-a|ttft'));
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    expect(calls).toContain('release x-a');
    expect(calls).not.toContain('load x-b');
    behaviour.clear();
  });

  it('fails at once, non-retryably, listing every problem of a bad input', async () => {
    const handle = await start({ models: [], suites: ['throughput', 'nope', 'ttft'], endpoint: 'ftp://x', colour: 'red', warmUp: 'yes', suiteConfig: { ttft: { repeats: 0, colour: 'blue' } } });
    const error = await handle.result().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('InvalidSweepInput');
    expect(cause.nonRetryable).toBe(true);
    for (const text of [
      'models: must not be empty',
      'suites[1]: unknown suite "nope"',
      'endpoint: expected an http:// or https:// URL',
      'colour: unknown key',
      'warmUp: expected true or false',
      // The suite configs are checked before any model loads, by the early check activity.
      'suiteConfig.ttft.repeats: must be >= 1',
      'suiteConfig.ttft.colour: unknown key "colour"',
    ]) {
      expect(cause.message).toContain(text);
    }
    const history = await handle.fetchHistory();
    const scheduled = history.events?.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    expect(scheduled).toEqual(['checkSweep']);
  });
});
