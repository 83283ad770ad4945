// The progress model shared by the workflows (state they keep and return), the `progress` query and the
// CLI (bars, status, summary). Pure data + pure helpers.
import type { MemorySnapshot } from './shared/envelope.js';
import type { FailedPair } from './sweep-state.js';

export type PairState = 'pending' | 'running' | 'passed' | 'failed' | 'skipped';
export type ModelState = 'pending' | 'running' | 'passed' | 'failed' | 'skipped' | 'cancelled';

export interface SuiteProgressState {
  suite: string;
  state: PairState;
  /** Attempt of the suite activity: known to the workflow when the activity finished; while it runs, the
   * client fills it in from the pending activity (see client/temporal/progress.ts). */
  attempt: number;
  /** Workflow time the suite activity was scheduled / finished (epoch ms). */
  startedAt?: number;
  finishedAt?: number;
  /** Samples done / planned, as the suite last reported (result for finished suites; heartbeat while running). */
  completed?: number;
  total?: number;
  percent?: number;
  elapsedMs?: number;
  etaMs?: number;
  /** Shard file the pair was published to. */
  shard?: string;
  /** False when the shard already existed (an idempotent re-publish). */
  shardWritten?: boolean;
  error?: string;
  /** Child workflow that ran this pair (differs from the model's when it was retried). */
  workflowId?: string;
}

export interface ModelProgress {
  model: string;
  slug: string;
  workflowId: string;
  state: ModelState;
  suites: SuiteProgressState[];
  error?: string;
  /** The envelope's memory snapshots of this model (loaded, peak per suite, after). */
  memory: MemorySnapshot[];
  /** Set when the host stopped picking up this model's work: why (no worker polls its queue). */
  hostUnavailable?: string;
}

export interface PairCounts {
  passed: number;
  failed: number;
  skipped: number;
}

export interface SweepProgress {
  sweepId: string;
  /** waiting: for the host lease (another sweep uses the host). */
  state: 'validating' | 'waiting' | 'running' | 'completed' | 'cancelled';
  /** Models of the page asked for (the query's `{ offset, limit }`; default the first 100), in sweep order. */
  models: ModelProgress[];
  page: { offset: number; limit: number };
  /** The whole sweep, whatever the page holds. */
  totals: { models: number; pairs: number };
  /** Finished pairs of the whole sweep. */
  counts: PairCounts;
  /** The first failed pairs with the first line of each reason (all failures are counted in `counts`). */
  failures: FailedPair[];
  hostQueue?: string;
  /** While waiting for the host: place in the queue (1 = next) and the sweep that holds it. */
  waitingFor?: { hostQueue: string; position?: number; holder?: string };
  retryOf?: string;
  /** Retries queued through the retryFailedSuites update that have not run yet. */
  queuedRetries: Array<{ model: string; suite: string }>;
  /** A fleet sweep: one entry per host (its models are in the host's own sweep, `workflowId`); `models`
   * is then empty and `counts`, `totals` and `failures` cover every host. */
  hosts?: HostProgress[];
}

/** One host of a fleet sweep, as the fleet's progress query and result show it. */
export interface HostProgress {
  name: string;
  hostQueue: string;
  endpoint: string;
  /** The host's own sweep (a hostSweep workflow): query it for its models. */
  workflowId: string;
  state: 'running' | 'completed' | 'failed' | 'cancelled';
  totals: { models: number; pairs: number };
  /** Finished pairs of the host (known when its sweep ended; 0 while it runs). */
  counts: PairCounts;
  /** Why the whole host failed (e.g. no worker polls its queue), when it did. */
  error?: string;
}

/** The sweep's result: its final progress (first page of models, counts, failures). */
export type SweepResult = SweepProgress;

export function countPairs(models: readonly ModelProgress[]): PairCounts {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const m of models) {
    for (const s of m.suites) {
      if (s.state === 'passed') counts.passed++;
      else if (s.state === 'failed') counts.failed++;
      else if (s.state === 'skipped') counts.skipped++;
    }
  }
  return counts;
}

/** Overall state of a model from its pairs. */
export function modelStateOf(suites: SuiteProgressState[]): ModelState {
  if (suites.some((s) => s.state === 'running')) return 'running';
  if (suites.every((s) => s.state === 'skipped')) return 'skipped';
  if (suites.some((s) => s.state === 'failed')) return 'failed';
  if (suites.some((s) => s.state === 'pending')) return 'pending';
  return 'passed';
}

/** Failed pairs, optionally filtered by model and/or suite. */
export function failedPairs(models: readonly ModelProgress[], filter: { model?: string; suite?: string } = {}): Array<{ model: string; suite: string }> {
  const out: Array<{ model: string; suite: string }> = [];
  for (const m of models) {
    if (filter.model && m.model !== filter.model) continue;
    for (const s of m.suites) {
      if (s.state !== 'failed') continue;
      if (filter.suite && s.suite !== filter.suite) continue;
      out.push({ model: m.model, suite: s.suite });
    }
  }
  return out;
}
