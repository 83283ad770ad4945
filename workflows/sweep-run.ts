// The sweep of one host: takes the host's lease (sweeps on one host run one after another), then runs one
// modelBenchmark child per model, in order, with id `<sweep id>/<model slug>`. Every SEGMENT_MODELS models
// it continues as new, carrying a compact record of what finished, so a sweep of thousands of models keeps
// every payload and its history small. Failed pairs can be re-run while the sweep runs (retryFailedSuites
// update); skipModel skips a pending model or stops the running one; Temporal's cancel reaches the running
// suite. A sweep with failed pairs ends Failed (red in the Web UI) after publishing everything that
// passed; its failure carries the result. Run by benchmarkSweep (a plain sweep) and by hostSweep (one host
// of a fleet).
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  CancellationScope,
  condition,
  continueAsNew,
  allHandlersFinished,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
  ParentClosePolicy,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { SweepActivities } from '../activities/sweep/activities.js';
import {
  fitKeywordList,
  hostLeaseId,
  leaseGrantedSignal,
  leasePositionSignal,
  ORCHESTRATION_QUEUE,
  PAIRS_FAILED,
  releaseLeaseSignal,
  retryFailedSuitesUpdate,
  SEARCH_ATTRIBUTES,
  type RetryFilter,
  skipModelSignal,
  skipRemainingSignal,
  sweepProgressQuery,
} from './definitions.js';
import { validateSweepInput, type SuiteName } from './shared/sweep-input.js';
import { modelBenchmark, type ModelBenchmarkInput } from './model-benchmark.js';
import { ENVIRONMENT, LEASE } from './policies.js';
import { countPairs, failedPairs, modelStateOf, type ModelProgress, type PairCounts, type SweepProgress, type SweepResult } from './progress.js';
import { modelSlug } from './shared/slug.js';
import { emptyCarry, finishedLine, firstLine, fromFinishedLine, pageWindow, recordFailures, replaceFinished, SEGMENT_MODELS, type SweepCarry } from './sweep-state.js';
import { invalidInput, pairsFailedDetails } from './sweep-failures.js';

const { sweepEnvironment } = proxyActivities<SweepActivities>({ ...ENVIRONMENT, taskQueue: ORCHESTRATION_QUEUE });
const { requestHostLease } = proxyActivities<SweepActivities>({ ...LEASE, taskQueue: ORCHESTRATION_QUEUE });

/**
 * One host's sweep. `hostUnavailable` (first run only): the host has no worker, so every pair fails with
 * that reason without running and no lease is taken.
 */
export async function runHostSweep(rawInput: unknown, carried: SweepCarry | undefined, hostUnavailable?: string): Promise<SweepResult> {
  const checked = validateSweepInput(rawInput);
  if (!checked.ok) throw invalidInput(checked.problems);
  const input = checked.input;
  const sweepId = workflowInfo().workflowId;
  const carry = carried ?? emptyCarry();
  if (hostUnavailable !== undefined) carry.hostUnavailable = hostUnavailable;
  const suitesOf = (model: string): SuiteName[] =>
    input.pairs ? input.suites.filter((s) => input.pairs?.some((p) => p.model === model && p.suite === s)) : input.suites;
  const base = (model: string) => {
    const slug = modelSlug(model);
    return { slug, workflowId: `${sweepId}/${slug}` };
  };
  const fresh = (model: string): ModelProgress => ({ model, ...base(model), state: 'pending', suites: suitesOf(model).map((suite) => ({ suite, state: 'pending', attempt: 0 })), memory: [] });

  // This run's models in full detail; earlier runs' as carried lines.
  const start = carry.finished.length;
  const segment = input.models.slice(start, start + SEGMENT_MODELS).map(fresh);
  const finishedModel = (i: number): ModelProgress => {
    const model = input.models[i] as string;
    return fromFinishedLine(carry.finished[i] as string, suitesOf(model), carry.failures, base(model));
  };
  const modelAt = (i: number): ModelProgress => (i < start ? finishedModel(i) : (segment[i - start] ?? fresh(input.models[i] as string)));
  const counts = (): PairCounts => {
    const sum = countPairs(segment);
    for (const line of carry.finished) {
      const letters = line.slice(line.lastIndexOf('\t') + 1);
      for (const l of letters) {
        if (l === 'p') sum.passed++;
        else if (l === 's') sum.skipped++;
        else sum.failed++;
      }
    }
    return sum;
  };
  const totalPairs = input.models.reduce((n, m) => n + suitesOf(m).length, 0);

  const progress: Omit<SweepProgress, 'models' | 'page' | 'totals' | 'counts' | 'failures'> = {
    sweepId,
    state: 'running',
    queuedRetries: carry.queuedRetries,
    ...(input.retryOf ? { retryOf: input.retryOf } : {}),
  };
  const snapshot = (page?: { offset?: number; limit?: number }): SweepProgress => {
    const window = pageWindow(input.models.length, page);
    const models: ModelProgress[] = [];
    for (let i = window.offset; i < Math.min(input.models.length, window.offset + window.limit); i++) models.push(modelAt(i));
    const segmentFailures = segment.flatMap((m) => m.suites.filter((s) => s.state === 'failed').map((s) => ({ model: m.model, suite: s.suite, error: firstLine(s.error ?? 'failed') })));
    return { ...progress, models, page: window, totals: { models: input.models.length, pairs: totalPairs }, counts: counts(), failures: [...carry.failures, ...segmentFailures].slice(0, 100) };
  };

  const skipped = new Map<string, string>(carry.skipRequests.map((r) => [r.model, r.reason]));
  let running: { model: string; handle: ChildWorkflowHandle<typeof modelBenchmark> } | undefined;
  setHandler(sweepProgressQuery, (page) => snapshot(page));
  setHandler(skipModelSignal, ({ model, reason }) => {
    const why = reason ?? 'skipped by request';
    skipped.set(model, why);
    if (running?.model === model) void running.handle.signal(skipRemainingSignal, { reason: why });
  });
  const allFailed = (filter: RetryFilter) =>
    input.models.flatMap((model, i) => (filter.model === undefined || filter.model === model ? failedPairs([modelAt(i)], filter) : []));
  setHandler(
    retryFailedSuitesUpdate,
    (filter) => {
      const pairs = allFailed(filter).filter((p) => !progress.queuedRetries.some((q) => q.model === p.model && q.suite === p.suite));
      progress.queuedRetries.push(...pairs);
      return { queued: pairs };
    },
    {
      validator: (filter: RetryFilter) => {
        if (filter.model !== undefined && !input.models.includes(filter.model)) throw new Error(`model "${filter.model}" is not in this sweep (${input.models.slice(0, 20).join(', ')}${input.models.length > 20 ? ', …' : ''})`);
        if (filter.suite !== undefined && !input.suites.includes(filter.suite as SuiteName)) throw new Error(`suite "${filter.suite}" is not in this sweep (${input.suites.join(', ')})`);
      },
    },
  );

  const env = await sweepEnvironment();
  const hostQueue = input.hostQueue ?? env.hostQueue;
  progress.hostQueue = hostQueue;
  const useSearchAttributes = env.searchAttributes;
  if (useSearchAttributes && carried === undefined) {
    upsertSearchAttributes([
      { key: SEARCH_ATTRIBUTES.models, value: fitKeywordList(input.models) },
      { key: SEARCH_ATTRIBUTES.suites, value: input.suites },
      { key: SEARCH_ATTRIBUTES.status, value: 'running' },
    ]);
  }
  if (carried === undefined) {
    // The memo keeps what a list view needs; a long model list is in the input, not copied here.
    upsertMemo({ models: input.models.slice(0, 50), modelCount: input.models.length, suites: input.suites, endpoint: input.endpoint, hostQueue, ...(input.retryOf ? { retryOf: input.retryOf } : {}) });
  }

  // One sweep per host at a time: wait for the host's lease (kept across continue-as-new).
  // A host without a worker (a fleet's host that is down) takes no lease: none of its pairs will run.
  const leased = carry.leaseHeld || patched('host-lease');
  if (leased && !carry.leaseHeld && carry.hostUnavailable === undefined) await takeLease(hostQueue, sweepId, progress);
  carry.leaseHeld = leased && (carry.leaseHeld || carry.hostUnavailable === undefined);

  const { models: _m, suites: _s, pairs: _p, hostQueue: _h, ...shared } = input;
  const runChild = async (entry: ModelProgress, suites: SuiteName[], workflowId: string): Promise<ModelProgress> => {
    const childInput: ModelBenchmarkInput = { sweepId, model: entry.model, slug: entry.slug, suites, hostQueue, searchAttributes: useSearchAttributes, sweep: shared };
    const handle = await startChild(modelBenchmark, {
      workflowId,
      taskQueue: ORCHESTRATION_QUEUE,
      args: [childInput],
      // A child outliving a terminated sweep would hold the model server; cancel it with the parent.
      parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
      staticSummary: `${entry.model} · ${suites.join(', ')}`,
      ...(useSearchAttributes
        ? { typedSearchAttributes: [
            { key: SEARCH_ATTRIBUTES.models, value: [entry.model] },
            { key: SEARCH_ATTRIBUTES.suites, value: suites },
            { key: SEARCH_ATTRIBUTES.sweepId, value: sweepId },
          ] }
        : {}),
    });
    running = { model: entry.model, handle };
    const pendingSkip = skipped.get(entry.model);
    if (pendingSkip !== undefined) void handle.signal(skipRemainingSignal, { reason: pendingSkip });
    try {
      return await handle.result();
    } catch (error) {
      // A child whose pairs failed ends Failed (red in the Web UI) and carries its progress.
      const progressOf = pairsFailedDetails(error) as ModelProgress | undefined;
      if (progressOf) return progressOf;
      throw error;
    } finally {
      running = undefined;
    }
  };
  const failUnrun = (entry: ModelProgress, why: string, state: 'failed' | 'skipped') => {
    for (const s of entry.suites) if (s.state === 'pending' || s.state === 'running') Object.assign(s, { state, error: why });
    entry.state = modelStateOf(entry.suites);
  };

  let continuing = false;
  try {
    for (const entry of segment) {
      if (entry.suites.length === 0) {
        entry.state = 'skipped';
      } else if (carry.hostUnavailable !== undefined) {
        failUnrun(entry, carry.hostUnavailable, 'failed');
      } else if (skipped.has(entry.model)) {
        failUnrun(entry, skipped.get(entry.model) ?? 'skipped by request', 'skipped');
      } else {
        entry.state = 'running';
        setCurrentDetails(`model ${input.models.indexOf(entry.model) + 1}/${input.models.length}: ${entry.model}`);
        try {
          Object.assign(entry, await runChild(entry, entry.suites.map((s) => s.suite as SuiteName), entry.workflowId));
          if (entry.hostUnavailable !== undefined) carry.hostUnavailable = entry.hostUnavailable;
        } catch (error) {
          if (isCancellation(error) || (error instanceof ChildWorkflowFailure && isCancellation(error.cause))) throw error;
          entry.error = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
          failUnrun(entry, entry.error, 'failed');
          entry.state = 'failed';
        }
      }
    }

    // More models than one run holds: carry the record into a new run of this sweep.
    if (start + segment.length < input.models.length && patched('sweep-segments')) {
      await condition(allHandlersFinished);
      for (const entry of segment) {
        recordFailures(carry, entry);
        carry.finished.push(finishedLine(entry));
      }
      carry.skipRequests = [...skipped].map(([model, reason]) => ({ model, reason }));
      carry.queuedRetries = progress.queuedRetries;
      continuing = true;
      // The same workflow type goes on (benchmarkSweep, or hostSweep for a fleet's host).
      await continueAsNew<(raw: unknown, carry?: SweepCarry) => Promise<SweepResult>>(rawInput, carry);
    }

    // Retries queued by the update while the sweep ran (and any queued while these run).
    while (progress.queuedRetries.length > 0) {
      carry.retryRound++;
      const batch = progress.queuedRetries.splice(0);
      for (const model of [...new Set(batch.map((p) => p.model))]) {
        const i = input.models.indexOf(model);
        const entry = modelAt(i);
        const suites = batch.filter((p) => p.model === model).map((p) => p.suite as SuiteName);
        if (carry.hostUnavailable !== undefined) {
          for (const suite of suites) Object.assign(entry.suites.find((s) => s.suite === suite) ?? {}, { state: 'failed', error: carry.hostUnavailable });
          if (i < start) replaceFinished(carry, i, entry);
          continue;
        }
        for (const suite of suites) Object.assign(entry.suites.find((s) => s.suite === suite) ?? {}, { state: 'pending', error: undefined });
        entry.state = 'running';
        try {
          const result = await runChild(entry, suites, `${entry.workflowId}/retry-${carry.retryRound}`);
          for (const r of result.suites) {
            const at = entry.suites.findIndex((s) => s.suite === r.suite);
            if (at >= 0) entry.suites[at] = r;
          }
          entry.memory.push(...result.memory);
        } catch (error) {
          if (isCancellation(error) || (error instanceof ChildWorkflowFailure && isCancellation(error.cause))) throw error;
          const why = error instanceof Error ? error.message : String(error);
          for (const suite of suites) Object.assign(entry.suites.find((s) => s.suite === suite) ?? {}, { state: 'failed', error: why });
        }
        entry.state = modelStateOf(entry.suites);
        // A model of an earlier run: its carried line and kept reasons now say what the retry found.
        if (i < start) replaceFinished(carry, i, entry);
      }
    }
    await condition(allHandlersFinished);
  } catch (error) {
    if (isCancellation(error)) {
      progress.state = 'cancelled';
      if (useSearchAttributes) upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.status, value: 'cancelled' }]);
    }
    throw error;
  } finally {
    // Kept across continue-as-new; given back however else this run ends.
    if (carry.leaseHeld && !continuing) await releaseLease(hostQueue, sweepId, carry);
  }

  progress.state = 'completed';
  const result = snapshot();
  const status = result.counts.failed > 0 ? 'failed' : 'passed';
  if (useSearchAttributes) upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.status, value: status }]);
  upsertMemo({ counts: result.counts });
  setCurrentDetails(`done: ${result.counts.passed} passed, ${result.counts.failed} failed, ${result.counts.skipped} skipped`);
  if (result.counts.failed > 0 && patched('fail-on-failed-pairs')) {
    // Everything that passed is published; the sweep itself ends Failed so the Web UI's list shows it red.
    throw ApplicationFailure.create({
      type: PAIRS_FAILED,
      nonRetryable: true,
      message: `${result.counts.failed} of ${totalPairs} pairs failed: ${result.failures.slice(0, 5).map((f) => `${f.model} · ${f.suite}: ${f.error}`).join('; ')}${result.counts.failed > 5 ? '; …' : ''}`,
      details: [result],
    });
  }
  return result;
}

/** Asks the host's lease for the host and waits for it, telling the progress query where it stands. */
async function takeLease(hostQueue: string, sweepId: string, progress: Pick<SweepProgress, 'state' | 'waitingFor'>): Promise<void> {
  let granted = false;
  setHandler(leaseGrantedSignal, () => {
    granted = true;
  });
  setHandler(leasePositionSignal, ({ position, holder }) => {
    progress.waitingFor = { hostQueue, position, ...(holder ? { holder } : {}) };
  });
  progress.state = 'waiting';
  progress.waitingFor = { hostQueue };
  setCurrentDetails(`waiting for host queue ${hostQueue}`);
  await requestHostLease({ hostQueue, holder: sweepId });
  await condition(() => granted);
  progress.state = 'running';
  delete progress.waitingFor;
}

/** Gives the host back, also when the sweep was cancelled (a new run of this sweep would ask again). */
async function releaseLease(hostQueue: string, sweepId: string, carry: SweepCarry): Promise<void> {
  await CancellationScope.nonCancellable(async () => {
    try {
      await getExternalWorkflowHandle(hostLeaseId(hostQueue)).signal(releaseLeaseSignal, { holder: sweepId });
    } catch {
      // The lease is gone (it ends when idle, or was terminated): nothing to give back.
    }
    carry.leaseHeld = false;
  });
}
