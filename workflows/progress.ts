// The progress model shared by the workflows (state they keep and return), the `progress` query and the
// CLI (bars, status, summary). Pure data + pure helpers.
import type { MemorySnapshot } from './shared/envelope.js';

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
}

export interface SweepProgress {
  sweepId: string;
  state: 'validating' | 'running' | 'completed' | 'cancelled';
  models: ModelProgress[];
  retryOf?: string;
  /** Retries queued through the retryFailedSuites update that have not run yet. */
  queuedRetries: Array<{ model: string; suite: string }>;
}

export interface SweepResult extends SweepProgress {
  counts: { passed: number; failed: number; skipped: number };
}

export function countPairs(models: ModelProgress[]): SweepResult['counts'] {
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
export function failedPairs(models: ModelProgress[], filter: { model?: string; suite?: string } = {}): Array<{ model: string; suite: string }> {
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
