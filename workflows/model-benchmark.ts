// modelBenchmark: one model through every suite of a sweep. Host-queue activities (load, warm up, suites,
// release) run one at a time on the inference host; each finished suite is published on the orchestration
// queue while the next suite already runs. A failed suite is recorded with its reason and the rest go on.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  patched,
  proxyActivities,
  TimeoutFailure,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SweepActivities } from '../activities/sweep/activities.js';
import type { MemorySnapshot } from './shared/envelope.js';
import type { LoadModelResult, RunSuiteResult, WarmUpResult } from '../activities/sweep/types.js';
import { modelProgressQuery, ORCHESTRATION_QUEUE, PAIRS_FAILED, SEARCH_ATTRIBUTES, skipRemainingSignal } from './definitions.js';
import { SWEEP_DEFAULTS, type ResolvedSweepInput, type SuiteName } from './shared/sweep-input.js';
import { hostHeartbeat, hostPickup, LOAD, PUBLISH, RELEASE, suiteOptions, WARM_UP } from './policies.js';
import { modelStateOf, type ModelProgress, type SuiteProgressState } from './progress.js';

type Activities = SweepActivities;

export interface ModelBenchmarkInput {
  sweepId: string;
  model: string;
  slug: string;
  suites: SuiteName[];
  hostQueue: string;
  searchAttributes: boolean;
  /** The sweep's settings. hostPickupSeconds and outageToleranceSeconds are absent in children started before
   * they existed (replay). */
  sweep: Omit<ResolvedSweepInput, 'models' | 'suites' | 'pairs' | 'hostQueue' | 'hostPickupSeconds' | 'outageToleranceSeconds'> & { hostPickupSeconds?: number; outageToleranceSeconds?: number };
}

export async function modelBenchmark(input: ModelBenchmarkInput): Promise<ModelProgress> {
  const { sweep } = input;
  const info = workflowInfo();
  // Every call passes its full options (policies.ts) plus a readable summary through executeWithOptions.
  const acts = proxyActivities<Activities>({ startToCloseTimeout: '1m' });

  const progress: ModelProgress = {
    model: input.model,
    slug: input.slug,
    workflowId: info.workflowId,
    state: 'pending',
    suites: input.suites.map((suite) => ({ suite, state: 'pending', attempt: 0, workflowId: info.workflowId })),
    memory: [],
  };
  const pair = (suite: string) => progress.suites.find((s) => s.suite === suite) as SuiteProgressState;
  let skipReason: string | undefined;
  // The skip signal sets skipReason while an activity is awaited; reading it through a call keeps
  // control-flow narrowing from an earlier check out of it.
  const skipRequested = (): boolean => skipReason !== undefined;
  let runningScope: CancellationScope | undefined;
  setHandler(modelProgressQuery, () => ({ ...progress, state: progress.state === 'cancelled' ? 'cancelled' : modelStateOf(progress.suites) }));
  setHandler(skipRemainingSignal, ({ reason }) => {
    skipReason = reason;
    runningScope?.cancel();
  });
  const status = (s: string) => {
    if (input.searchAttributes) upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.status, value: s }]);
  };
  status('running');

  const failAll = (reason: string) => {
    for (const s of progress.suites) if (s.state === 'pending' || s.state === 'running') Object.assign(s, { state: 'failed', error: reason });
  };
  const skipRest = (reason: string) => {
    for (const s of progress.suites) if (s.state === 'pending' || s.state === 'running') Object.assign(s, { state: 'skipped', error: reason });
  };

  const pickupSeconds = sweep.hostPickupSeconds ?? SWEEP_DEFAULTS.hostPickupSeconds;
  const pickup = hostPickup(pickupSeconds);
  const silence = hostHeartbeat(sweep.heartbeatTimeoutSeconds);
  // A host activity nobody picked up within hostPickupSeconds: no worker polls the host queue. Every pair left
  // fails with that reason (and the sweep runs no further model on this host) instead of waiting forever.
  const hostGone = (error: unknown): boolean => {
    if (!isHostPickupTimeout(error)) return false;
    progress.hostUnavailable = `no worker is polling host queue "${input.hostQueue}" (nothing picked up the ${input.model} work within ${pickupSeconds} s)`;
    failAll(progress.hostUnavailable);
    return true;
  };

  let loaded = false;
  let load: LoadModelResult | undefined;
  const publishes: Array<Promise<void>> = [];
  // The last suite's publish waits for the release (its envelope gets the "after" reading).
  let lastPublish: { run: RunSuiteResult; state: SuiteProgressState; memory: MemorySnapshot[]; suite: string; facts: WarmUpResult } | undefined;
  let released = false;
  try {
    let facts: WarmUpResult | undefined;
    try {
      setCurrentDetails(`loading ${input.model}`);
      load = await runSkippable(() => acts.loadModel.executeWithOptions({ ...LOAD, ...pickup, ...silence, taskQueue: input.hostQueue, summary: `load · ${input.model}` }, [{ endpoint: sweep.endpoint, model: input.model }]));
      loaded = true;
      facts = await runSkippable(() => acts.warmUp.executeWithOptions({ ...WARM_UP, ...pickup, ...silence, taskQueue: input.hostQueue, summary: `warm up · ${input.model}` }, [{ endpoint: sweep.endpoint, model: input.model, warmUp: sweep.warmUp, ...(sweep.quantizations?.[input.model] ? { quantization: sweep.quantizations[input.model] } : {}) }]));
      if (facts.snapshot) progress.memory.push(facts.snapshot);
    } catch (error) {
      if (skipReason !== undefined) skipRest(skipReason);
      else if (isCancellation(error)) throw error;
      else if (!hostGone(error)) failAll(`model did not load or warm up: ${reason(error)}`);
    }

    for (const suite of input.suites) {
      if (!facts) break;
      const state = pair(suite);
      if (skipReason !== undefined) break;
      state.state = 'running';
      state.startedAt = Date.now();
      state.attempt = 1;
      setCurrentDetails(`${suite} · ${input.model}`);
      let run: RunSuiteResult;
      try {
        run = await runSkippable(() =>
          acts.runSuite.executeWithOptions(
            { ...suiteOptions(sweep.suiteAttempts, sweep.heartbeatTimeoutSeconds), ...pickup, taskQueue: input.hostQueue, summary: `${suite} · ${input.model}`, activityId: `suite-${suite}` },
            [{ endpoint: sweep.endpoint, model: input.model, suite, config: sweep.suiteConfig[suite] ?? {}, outageToleranceSeconds: sweep.outageToleranceSeconds ?? SWEEP_DEFAULTS.outageToleranceSeconds }],
          ),
        );
      } catch (error) {
        state.finishedAt = Date.now();
        state.elapsedMs = state.finishedAt - state.startedAt;
        if (skipRequested()) break;
        if (isCancellation(error)) throw error;
        if (hostGone(error)) break;
        state.state = 'failed';
        state.error = reason(error);
        state.attempt = attemptsOf(error, sweep.suiteAttempts);
        continue;
      }
      Object.assign(state, {
        attempt: run.attempt,
        completed: run.completed,
        total: run.total,
        percent: run.total > 0 ? Math.round((100 * run.completed) / run.total) : 100,
        finishedAt: Date.now(),
      });
      state.elapsedMs = (state.finishedAt ?? 0) - state.startedAt;
      if (run.skipped) {
        // The suite could not run here (e.g. its tool is missing); still published so the gap is visible.
        state.error = `suite skipped: ${run.skipped.reason}`;
      }
      const memory: MemorySnapshot[] = [...progress.memory, ...(run.peakMemory ? [run.peakMemory] : [])];
      // The last suite's envelope also carries the "after" reading: it is published once the model is
      // released. (Children started before this wait publish it at once, as they did.)
      if (suite === input.suites[input.suites.length - 1] && patched('after-snapshot-in-last-envelope')) {
        lastPublish = { run, state, memory, suite, facts };
        continue;
      }
      publishes.push(publish(run, state, memory, suite, facts));
    }
    if (skipReason !== undefined) skipRest(skipReason);
    if (lastPublish) {
      const last = lastPublish;
      await release();
      const after = progress.memory.find((m) => m.phase === 'after');
      publishes.push(publish(last.run, last.state, after ? [...last.memory, after] : last.memory, last.suite, last.facts));
    }
    await Promise.all(publishes);
  } finally {
    // Unload even when cancelled, so a cancelled sweep does not leave the model holding memory (not when the
    // host is gone: nobody would pick the release up).
    await release();
  }
  progress.state = modelStateOf(progress.suites);
  status(progress.state);
  const failed = progress.suites.filter((s) => s.state === 'failed');
  const reasons = failed.map((s) => `${s.suite}: ${(s.error ?? 'failed').split('\n', 1)[0] ?? ''}`);
  // The Web UI shows this line with the workflow: a failed model says why, not only "failed".
  setCurrentDetails(`${input.model}: ${progress.state}${reasons.length > 0 ? ` — ${reasons.join('; ')}` : ''}`);
  if (failed.length > 0 && patched('child-fails-on-failed-pairs')) {
    // Everything that passed is published; the child ends Failed (red in the Web UI) with each failed
    // pair's reason, and its progress for the sweep in the failure's details.
    throw ApplicationFailure.create({
      type: PAIRS_FAILED,
      nonRetryable: true,
      message: `${failed.length} of ${progress.suites.length} suites failed for ${input.model}:\n${reasons.join('\n')}`,
      details: [progress],
    });
  }
  return progress;

  /** Publishes one finished pair (overlapping the next suite) and records what came of it. */
  function publish(run: RunSuiteResult, state: SuiteProgressState, memory: MemorySnapshot[], suite: string, facts: WarmUpResult): Promise<void> {
    return acts.publishSuite
      .executeWithOptions({ ...PUBLISH, taskQueue: ORCHESTRATION_QUEUE, summary: `publish · ${suite} · ${input.model}`, activityId: `publish-${suite}` }, [
        {
          run,
          system: facts.system,
          gitSha: sweep.gitSha ?? facts.gitSha ?? '0000000',
          trigger: sweep.trigger,
          prNumber: sweep.prNumber,
          tags: sweep.tags,
          memory,
          workflowId: info.workflowId,
          workflowRunId: info.runId,
          dataset: sweep.dataset,
          ...(load ? { load } : {}),
          ...(facts.quantization ? { quantization: facts.quantization.value } : {}),
          ...(facts.serverTags ? { serverTags: facts.serverTags } : {}),
        },
      ])
      .then(
        (published) => {
          Object.assign(state, { state: run.skipped ? 'skipped' : 'passed', shard: published.shard, shardWritten: published.written });
          // What was measured is published, but a suite that could not measure everything has not passed.
          if (run.incomplete) Object.assign(state, { state: 'failed', error: `incomplete: ${run.incomplete.reason}` });
        },
        (error: unknown) => {
          Object.assign(state, { state: 'failed', error: `publish failed: ${reason(error)}` });
        },
      );
  }

  /** Takes the "after" reading and unloads, once, even when cancelled (not when the host is gone). */
  async function release(): Promise<void> {
    if (released || !loaded || progress.hostUnavailable !== undefined) return;
    released = true;
    await CancellationScope.nonCancellable(async () => {
      try {
        const done = await acts.releaseModel.executeWithOptions({ ...RELEASE, ...pickup, ...silence, taskQueue: input.hostQueue, summary: `release · ${input.model}` }, [
          { endpoint: sweep.endpoint, model: input.model, unload: sweep.unload },
        ]);
        if (done.snapshot) progress.memory.push(done.snapshot);
      } catch (error) {
        progress.error = `release failed: ${reason(error)}`;
      }
    });
  }

  // Runs one host activity in its own scope so skipModel can cancel just that activity.
  async function runSkippable<T>(fn: () => Promise<T>): Promise<T> {
    const scope = new CancellationScope();
    runningScope = scope;
    try {
      if (skipReason !== undefined) throw ApplicationFailure.nonRetryable(`skipped: ${skipReason}`, 'Skipped');
      return await scope.run(fn);
    } finally {
      runningScope = undefined;
    }
  }
}

function reason(error: unknown): string {
  // ActivityFailure wraps the real cause; the innermost message is the one a person can act on.
  let e: unknown = error;
  while (e instanceof ActivityFailure || (e instanceof Error && e.cause instanceof Error && e.message.startsWith('Activity task'))) {
    e = (e as Error).cause;
  }
  if (e instanceof ApplicationFailure && e.type && e.type !== 'Error') return `${e.type}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

function isHostPickupTimeout(error: unknown): boolean {
  return error instanceof ActivityFailure && error.cause instanceof TimeoutFailure && error.cause.timeoutType === 'SCHEDULE_TO_START';
}

function attemptsOf(error: unknown, maximum: number): number {
  if (error instanceof ActivityFailure && error.retryState === 'MAXIMUM_ATTEMPTS_REACHED') return maximum;
  return error instanceof ActivityFailure && error.retryState === 'NON_RETRYABLE_FAILURE' ? 1 : maximum;
}
