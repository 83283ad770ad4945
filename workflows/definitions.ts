// Queries, updates, signals and search attributes of the sweep workflows, defined once: the workflows
// set handlers for these and the CLI calls them, so names and payload types cannot drift apart.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type { ModelProgress, SweepProgress } from './progress.js';
import type { ProgressPage } from './sweep-state.js';

export const ORCHESTRATION_QUEUE = 'nightshift';

/** Failure type of a sweep or model workflow that ran but had failed pairs; its details hold the progress. */
export const PAIRS_FAILED = 'PairsFailed';

/** Sweep-level progress (benchmarkSweep), one page of models at a time, or one model's (modelBenchmark). */
export const sweepProgressQuery = defineQuery<SweepProgress, [ProgressPage?]>('progress');
export const modelProgressQuery = defineQuery<ModelProgress>('progress');

export interface RetryFilter {
  model?: string;
  suite?: string;
}
export interface RetryQueued {
  queued: Array<{ model: string; suite: string }>;
}
/** Re-runs failed (model, suite) pairs of a running sweep after its current work; returns what it queued. */
export const retryFailedSuitesUpdate = defineUpdate<RetryQueued, [RetryFilter]>('retryFailedSuites');

/** Skips a model: pending → never runs; running → its current suite is cancelled, the rest skipped. */
export const skipModelSignal = defineSignal<[{ model: string; reason?: string }]>('skipModel');
/** Parent → running child: stop after cancelling the current suite, mark the rest skipped. */
export const skipRemainingSignal = defineSignal<[{ reason: string }]>('skipRemaining');

/** The host lease workflow's type and its id for a host queue (one lease per host). */
export const HOST_LEASE_TYPE = 'hostLease';
export function hostLeaseId(hostQueue: string): string {
  return `nightshift-host-lease/${hostQueue}`;
}

/** The host lease (workflows/host-lease.ts): one holder, the sweeps waiting in order. */
export interface LeaseState {
  hostQueue: string;
  holder?: string;
  waiting: string[];
}
/** Sweep → lease: queue me (the sweep's workflow id) for this host. */
export const requestLeaseSignal = defineSignal<[{ holder: string }]>('requestLease');
/** Sweep → lease: I am done with the host (or leave the queue). */
export const releaseLeaseSignal = defineSignal<[{ holder: string }]>('releaseLease');
/** Lease → sweep: the host is yours. */
export const leaseGrantedSignal = defineSignal<[{ hostQueue: string }]>('leaseGranted');
/** Lease → waiting sweep: your place in the queue (1 = next), and who holds the host now. */
export const leasePositionSignal = defineSignal<[{ hostQueue: string; position: number; holder?: string }]>('leasePosition');
export const leaseStateQuery = defineQuery<LeaseState>('leaseState');

/** Custom search attributes (registered by `nightshift dev`, the worker, or deploy/ scripts) so the Web UI
 * lists sweeps by model, suite and status. */
export const SEARCH_ATTRIBUTES = {
  models: defineSearchAttributeKey('NightshiftModels', SearchAttributeType.KEYWORD_LIST),
  suites: defineSearchAttributeKey('NightshiftSuites', SearchAttributeType.KEYWORD_LIST),
  status: defineSearchAttributeKey('NightshiftStatus', SearchAttributeType.KEYWORD),
  sweepId: defineSearchAttributeKey('NightshiftSweepId', SearchAttributeType.KEYWORD),
} as const;

/** The server caps one search attribute value at 2 KiB (dev server default); a long model list keeps the
 * first entries that fit and the sweep stays findable by them (the full list is in the memo). */
export function fitKeywordList(values: string[], limitBytes = 1800): string[] {
  const out: string[] = [];
  let size = 2;
  for (const v of values) {
    size += v.length * 3 + 3; // worst-case UTF-8 bytes, quotes and comma
    if (size > limitBytes) break;
    out.push(v);
  }
  return out;
}
