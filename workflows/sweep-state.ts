// The sweep's record of every (model, suite) pair, shaped so that no single payload grows with the sweep:
// models finished in earlier runs of the workflow (it continues as new every SEGMENT_MODELS models) are
// kept as one short line each, the reasons of failed pairs only for the first MAX_FAILURES_KEPT, and the
// progress query answers one page of models at a time. Pure code: the workflow and tests use it.
import type { ModelProgress, PairState, SuiteProgressState } from './progress.js';

/** Models per workflow run; then the sweep continues as new with its record carried over. */
export const SEGMENT_MODELS = 100;
/** Failed pairs whose reasons are kept (the rest are counted). */
export const MAX_FAILURES_KEPT = 200;
/** Models answered per progress query page when the caller asks for none. */
export const DEFAULT_PAGE = 100;

export interface FailedPair {
  model: string;
  suite: string;
  /** The fleet host the pair ran on (fleet sweeps only). */
  host?: string;
  /** First line of the reason, clipped. */
  error: string;
}

/** What a sweep carries into its next run (continue-as-new). */
export interface SweepCarry {
  /** Finished models, in sweep order: "<model>\t<one letter per suite: p passed, f failed, s skipped>". */
  finished: string[];
  failures: FailedPair[];
  skipRequests: Array<{ model: string; reason: string }>;
  queuedRetries: Array<{ model: string; suite: string }>;
  retryRound: number;
  leaseHeld: boolean;
  /** Set when the host stopped picking up work: every later pair fails with this reason, without running. */
  hostUnavailable?: string;
}

export function emptyCarry(): SweepCarry {
  return { finished: [], failures: [], skipRequests: [], queuedRetries: [], retryRound: 0, leaseHeld: false };
}

const LETTER: Record<string, PairState> = { p: 'passed', f: 'failed', s: 'skipped' };

/** One finished model as its carried line. */
export function finishedLine(model: ModelProgress): string {
  return `${model.model}\t${model.suites.map((s) => (s.state === 'passed' ? 'p' : s.state === 'skipped' ? 's' : 'f')).join('')}`;
}

/** A carried line back as progress (reasons from the kept failures; shards and timings are not carried). */
export function fromFinishedLine(line: string, suites: readonly string[], failures: readonly FailedPair[], base: { slug: string; workflowId: string }): ModelProgress {
  const tab = line.lastIndexOf('\t');
  const model = line.slice(0, tab);
  const letters = line.slice(tab + 1);
  const states: SuiteProgressState[] = suites.map((suite, i) => {
    const state = LETTER[letters[i] ?? 'f'] ?? 'failed';
    const kept = state === 'failed' ? failures.find((f) => f.model === model && f.suite === suite) : undefined;
    return { suite, state, attempt: 0, ...(kept ? { error: kept.error } : {}) };
  });
  return { model, slug: base.slug, workflowId: base.workflowId, state: modelStateFromPairs(states), suites: states, memory: [] };
}

function modelStateFromPairs(suites: SuiteProgressState[]): ModelProgress['state'] {
  if (suites.every((s) => s.state === 'skipped')) return 'skipped';
  return suites.some((s) => s.state === 'failed') ? 'failed' : 'passed';
}

/** Adds a finished model's failed pairs to the kept reasons (the first MAX_FAILURES_KEPT; all are counted
 * by their letters). */
export function recordFailures(carry: SweepCarry, model: ModelProgress): void {
  for (const s of model.suites) {
    if (s.state !== 'failed') continue;
    if (carry.failures.length < MAX_FAILURES_KEPT) carry.failures.push({ model: model.model, suite: s.suite, error: firstLine(s.error ?? 'failed') });
  }
}

/** A carried model after a retry: its line, and its kept reasons (pairs that now passed drop out). */
export function replaceFinished(carry: SweepCarry, index: number, model: ModelProgress): void {
  carry.finished[index] = finishedLine(model);
  carry.failures = carry.failures.filter((f) => f.model !== model.model);
  recordFailures(carry, model);
}

export function firstLine(text: string, max = 300): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export interface ProgressPage {
  offset?: number;
  limit?: number;
}

/** The window [offset, offset + limit) of `total` models, clamped. */
export function pageWindow(total: number, page: ProgressPage = {}): { offset: number; limit: number } {
  const offset = Math.max(0, Math.min(total, Math.floor(page.offset ?? 0)));
  const limit = Math.max(0, Math.min(1000, Math.floor(page.limit ?? DEFAULT_PAGE)));
  return { offset, limit };
}
