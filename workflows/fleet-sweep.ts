// A fleet sweep: one sweep across several inference hosts. Each host runs its own hostSweep child (id
// `<fleet id>/<host name>`), all at the same time — so hosts work in parallel while each host still runs
// one model and one eval at a time under its own lease. A host that is down fails its own pairs and the
// others go on. The fleet's progress and result list the hosts with their counts and the first failures;
// each host's models are in its own sweep (query it for them). The fleet ends Failed when any pair failed,
// after every host finished.
import {
  ApplicationFailure,
  ChildWorkflowFailure,
  isCancellation,
  ParentClosePolicy,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
  type ChildWorkflowHandle,
} from '@temporalio/workflow';
import type { SweepActivities } from '../activities/sweep/activities.js';
import { fitKeywordList, ORCHESTRATION_QUEUE, PAIRS_FAILED, retryFailedSuitesUpdate, SEARCH_ATTRIBUTES, skipModelSignal, sweepProgressQuery, type RetryFilter } from './definitions.js';
import { hostSweep } from './host-sweep.js';
import { ENVIRONMENT } from './policies.js';
import type { HostProgress, PairCounts, SweepProgress, SweepResult } from './progress.js';
import { validateFleetInput } from './shared/fleet-input.js';
import { firstLine, type FailedPair } from './sweep-state.js';
import { invalidInput, pairsFailedDetails } from './sweep-failures.js';

const { sweepEnvironment } = proxyActivities<SweepActivities>({ ...ENVIRONMENT, taskQueue: ORCHESTRATION_QUEUE });

/** Failures kept in the fleet's progress and result (every failure is counted). */
const FLEET_FAILURES_KEPT = 100;

export async function runFleet(rawInput: unknown): Promise<SweepResult> {
  const checked = validateFleetInput(rawInput);
  if (!checked.ok) throw invalidInput(checked.problems);
  const sweepId = workflowInfo().workflowId;
  const env = await sweepEnvironment();

  const hosts: HostProgress[] = checked.hosts.map((h) => ({
    name: h.name,
    hostQueue: h.hostQueue,
    endpoint: h.endpoint,
    workflowId: `${sweepId}/${h.name}`,
    state: 'running',
    totals: { models: h.resolved.models.length, pairs: pairsOf(h.resolved) },
    counts: { passed: 0, failed: 0, skipped: 0 },
  }));
  const failures: FailedPair[] = [];
  let state: SweepProgress['state'] = 'running';
  const snapshot = (): SweepProgress => ({
    sweepId,
    state,
    models: [],
    page: { offset: 0, limit: 0 },
    totals: { models: sum(hosts, (h) => h.totals.models), pairs: sum(hosts, (h) => h.totals.pairs) },
    counts: addCounts(hosts.map((h) => h.counts)),
    failures: failures.slice(0, FLEET_FAILURES_KEPT),
    queuedRetries: [],
    hosts,
  });

  const handles = new Map<string, ChildWorkflowHandle<typeof hostSweep>>();
  setHandler(sweepProgressQuery, () => snapshot());
  // A model may run on several hosts: skipping it skips it wherever it is.
  setHandler(skipModelSignal, (skip) => {
    for (const handle of handles.values()) void handle.signal(skipModelSignal, skip);
  });
  setHandler(retryFailedSuitesUpdate, (_filter: RetryFilter) => ({ queued: [] }), {
    validator: (_filter: RetryFilter) => {
      throw new Error(`a fleet's retries go to its hosts' sweeps: retry one of ${hosts.map((h) => h.workflowId).join(', ')}`);
    },
  });

  const allModels = [...new Set(checked.hosts.flatMap((h) => h.resolved.models))];
  const suites = checked.hosts[0]?.resolved.suites ?? [];
  if (env.searchAttributes) {
    upsertSearchAttributes([
      { key: SEARCH_ATTRIBUTES.models, value: fitKeywordList(allModels) },
      { key: SEARCH_ATTRIBUTES.suites, value: suites },
      { key: SEARCH_ATTRIBUTES.status, value: 'running' },
    ]);
  }
  upsertMemo({ fleet: true, hosts: hosts.map((h) => ({ name: h.name, hostQueue: h.hostQueue, endpoint: h.endpoint })), models: allModels.slice(0, 50), modelCount: allModels.length, suites });
  setCurrentDetails(`fleet of ${hosts.length} host(s): ${hosts.map((h) => h.name).join(', ')}`);

  try {
    for (const [i, host] of checked.hosts.entries()) {
      const progress = hosts[i] as HostProgress;
      const handle = await startChild(hostSweep, {
        workflowId: progress.workflowId,
        taskQueue: ORCHESTRATION_QUEUE,
        args: [host.input],
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        staticSummary: `${host.name} · ${host.resolved.models.length} model(s) × ${host.resolved.suites.length} suite(s)`,
        ...(env.searchAttributes ? { typedSearchAttributes: [{ key: SEARCH_ATTRIBUTES.sweepId, value: sweepId }] } : {}),
      });
      handles.set(host.name, handle);
    }
    await Promise.all(
      [...handles].map(async ([name, handle]) => {
        const progress = hosts.find((h) => h.name === name) as HostProgress;
        let result: SweepResult | undefined;
        try {
          result = await handle.result();
        } catch (error) {
          if (isCancellation(error) || (error instanceof ChildWorkflowFailure && isCancellation(error.cause))) throw error;
          result = pairsFailedDetails(error) as SweepResult | undefined;
          if (result === undefined) {
            // The host's sweep itself failed (not its pairs): every pair of the host counts as failed.
            const why = firstLine(error instanceof ChildWorkflowFailure && error.cause ? error.cause.message : error instanceof Error ? error.message : String(error));
            Object.assign(progress, { state: 'failed', error: why, counts: { passed: 0, failed: progress.totals.pairs, skipped: 0 } });
            failures.push({ model: '*', suite: '*', host: name, error: why });
            return;
          }
        }
        progress.counts = result.counts;
        progress.state = result.counts.failed > 0 ? 'failed' : 'completed';
        failures.push(...result.failures.map((f) => ({ ...f, host: name })));
      }),
    );
  } catch (error) {
    if (isCancellation(error) || (error instanceof ChildWorkflowFailure && isCancellation(error.cause))) {
      state = 'cancelled';
      for (const h of hosts) if (h.state === 'running') h.state = 'cancelled';
      if (env.searchAttributes) upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.status, value: 'cancelled' }]);
    }
    throw error;
  }

  state = 'completed';
  const result = snapshot();
  if (env.searchAttributes) upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.status, value: result.counts.failed > 0 ? 'failed' : 'passed' }]);
  upsertMemo({ counts: result.counts });
  setCurrentDetails(`done: ${hosts.map((h) => `${h.name} ${h.counts.passed} passed, ${h.counts.failed} failed`).join('; ')}`);
  if (result.counts.failed > 0) {
    throw ApplicationFailure.create({
      type: PAIRS_FAILED,
      nonRetryable: true,
      message: `${result.counts.failed} of ${result.totals.pairs} pairs failed: ${failures.slice(0, 5).map((f) => `${f.host ?? ''} ${f.model} · ${f.suite}: ${f.error}`).join('; ')}${result.counts.failed > 5 ? '; …' : ''}`,
      details: [result],
    });
  }
  return result;
}

function pairsOf(input: { models: string[]; suites: string[]; pairs?: Array<{ model: string; suite: string }> | undefined }): number {
  return input.pairs ? input.pairs.length : input.models.length * input.suites.length;
}

function sum<T>(items: readonly T[], of: (item: T) => number): number {
  return items.reduce((n, item) => n + of(item), 0);
}

function addCounts(all: readonly PairCounts[]): PairCounts {
  return { passed: sum(all, (c) => c.passed), failed: sum(all, (c) => c.failed), skipped: sum(all, (c) => c.skipped) };
}
