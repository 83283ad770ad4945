// benchmarkSweep: validates the input (every problem at once, non-retryable), then runs one
// modelBenchmark child per model, in order, with id `<sweep id>/<model slug>`. Children keep the parent's
// history small (≈10 events per model here), so a 200-model sweep stays far below the history limits.
// Failed pairs can be re-run while the sweep is still running (retryFailedSuites update); skipModel skips
// a pending model or stops the running one; Temporal's cancel propagates through the child to the suite.
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  condition,
  allHandlersFinished,
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
  ORCHESTRATION_QUEUE,
  retryFailedSuitesUpdate,
  SEARCH_ATTRIBUTES,
  type RetryFilter,
  skipModelSignal,
  skipRemainingSignal,
  sweepProgressQuery,
} from './definitions.js';
import { formatProblems, MAX_LISTED_PROBLEMS, validateSweepInput, type InputProblem, type SuiteName } from './shared/sweep-input.js';
import { modelBenchmark, type ModelBenchmarkInput } from './model-benchmark.js';
import { CHECK, ENVIRONMENT } from './policies.js';
import { countPairs, failedPairs, modelStateOf, type ModelProgress, type SweepProgress, type SweepResult } from './progress.js';
import { modelSlug } from './shared/slug.js';

const { sweepEnvironment } = proxyActivities<SweepActivities>({ ...ENVIRONMENT, taskQueue: ORCHESTRATION_QUEUE });
const { checkSweep } = proxyActivities<SweepActivities>({ ...CHECK, taskQueue: ORCHESTRATION_QUEUE });

export async function benchmarkSweep(rawInput: unknown): Promise<SweepResult> {
  // Suites, tools and every suite's config are checked against the catalog and the config files before
  // any model loads: that reads files, so it is an activity. (Sweeps that started before this check
  // existed replay without it.)
  if (patched('check-sweep-activity')) {
    const problems = await checkSweep(rawInput);
    if (problems.length > 0) throw invalidInput(problems);
  }
  const checked = validateSweepInput(rawInput);
  if (!checked.ok) throw invalidInput(checked.problems);
  const input = checked.input;
  const sweepId = workflowInfo().workflowId;
  const wanted = (model: string): SuiteName[] =>
    input.pairs ? input.suites.filter((s) => input.pairs?.some((p) => p.model === model && p.suite === s)) : input.suites;

  const models: ModelProgress[] = input.models.map((model) => {
    const slug = modelSlug(model);
    return {
      model,
      slug,
      workflowId: `${sweepId}/${slug}`,
      state: 'pending',
      suites: wanted(model).map((suite) => ({ suite, state: 'pending', attempt: 0 })),
      memory: [],
    };
  });
  const progress: SweepProgress = { sweepId, state: 'running', models, queuedRetries: [], ...(input.retryOf ? { retryOf: input.retryOf } : {}) };
  const skipped = new Map<string, string>();
  let running: { model: string; handle: ChildWorkflowHandle<typeof modelBenchmark> } | undefined;

  setHandler(sweepProgressQuery, () => progress);
  setHandler(skipModelSignal, ({ model, reason }) => {
    const why = reason ?? 'skipped by request';
    skipped.set(model, why);
    if (running?.model === model) void running.handle.signal(skipRemainingSignal, { reason: why });
  });
  setHandler(
    retryFailedSuitesUpdate,
    (filter) => {
      const pairs = failedPairs(models, filter).filter((p) => !progress.queuedRetries.some((q) => q.model === p.model && q.suite === p.suite));
      progress.queuedRetries.push(...pairs);
      return { queued: pairs };
    },
    {
      validator: (filter: RetryFilter) => {
        if (filter.model !== undefined && !input.models.includes(filter.model)) throw new Error(`model "${filter.model}" is not in this sweep (${input.models.join(', ')})`);
        if (filter.suite !== undefined && !input.suites.includes(filter.suite as SuiteName)) throw new Error(`suite "${filter.suite}" is not in this sweep (${input.suites.join(', ')})`);
      },
    },
  );

  const env = await sweepEnvironment();
  const hostQueue = input.hostQueue ?? env.hostQueue;
  const useSearchAttributes = env.searchAttributes;
  if (useSearchAttributes) {
    upsertSearchAttributes([
      { key: SEARCH_ATTRIBUTES.models, value: fitKeywordList(input.models) },
      { key: SEARCH_ATTRIBUTES.suites, value: input.suites },
      { key: SEARCH_ATTRIBUTES.status, value: 'running' },
    ]);
  }
  upsertMemo({ models: input.models, suites: input.suites, endpoint: input.endpoint, hostQueue, ...(input.retryOf ? { retryOf: input.retryOf } : {}) });

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
    } finally {
      running = undefined;
    }
  };

  try {
    for (const entry of models) {
      if (entry.suites.length === 0) {
        entry.state = 'skipped';
        continue;
      }
      const why = skipped.get(entry.model);
      if (why !== undefined) {
        for (const s of entry.suites) Object.assign(s, { state: 'skipped', error: why });
        entry.state = 'skipped';
        continue;
      }
      entry.state = 'running';
      setCurrentDetails(`model ${models.indexOf(entry) + 1}/${models.length}: ${entry.model}`);
      try {
        const result = await runChild(entry, entry.suites.map((s) => s.suite as SuiteName), entry.workflowId);
        Object.assign(entry, result);
      } catch (error) {
        if (isCancellation(error) || (error instanceof ChildWorkflowFailure && isCancellation(error.cause))) throw error;
        entry.error = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
        for (const s of entry.suites) if (s.state === 'pending' || s.state === 'running') Object.assign(s, { state: 'failed', error: entry.error });
        entry.state = 'failed';
      }
    }

    // Retries queued by the update while the sweep ran (and any queued while these run).
    let round = 0;
    while (progress.queuedRetries.length > 0) {
      round++;
      const batch = progress.queuedRetries.splice(0);
      for (const entry of models) {
        const suites = batch.filter((p) => p.model === entry.model).map((p) => p.suite as SuiteName);
        if (suites.length === 0) continue;
        for (const suite of suites) Object.assign(entry.suites.find((s) => s.suite === suite) ?? {}, { state: 'pending', error: undefined });
        entry.state = 'running';
        const childId = `${entry.workflowId}/retry-${round}`;
        try {
          const result = await runChild(entry, suites, childId);
          for (const r of result.suites) {
            const i = entry.suites.findIndex((s) => s.suite === r.suite);
            if (i >= 0) entry.suites[i] = r;
          }
          entry.memory.push(...result.memory);
        } catch (error) {
          if (isCancellation(error) || (error instanceof ChildWorkflowFailure && isCancellation(error.cause))) throw error;
          const why = error instanceof Error ? error.message : String(error);
          for (const suite of suites) Object.assign(entry.suites.find((s) => s.suite === suite) ?? {}, { state: 'failed', error: why });
        }
        entry.state = modelStateOf(entry.suites);
      }
    }
    await condition(allHandlersFinished);
  } catch (error) {
    if (isCancellation(error)) {
      progress.state = 'cancelled';
      if (useSearchAttributes) upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.status, value: 'cancelled' }]);
    }
    throw error;
  }

  progress.state = 'completed';
  const counts = countPairs(models);
  const status = counts.failed > 0 ? 'failed' : 'passed';
  if (useSearchAttributes) upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.status, value: status }]);
  upsertMemo({ counts });
  setCurrentDetails(`done: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  return { ...progress, counts };
}


/** Non-retryable: the workflow fails at once; the message lists every problem (the first 50), one per line. */
function invalidInput(problems: readonly InputProblem[]): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'InvalidSweepInput',
    nonRetryable: true,
    message: `invalid sweep input (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n${formatProblems(problems)}`,
    details: [problems.slice(0, MAX_LISTED_PROBLEMS)],
  });
}
