// A sweep's result, whether it passed or ran with failed pairs: a sweep with failed pairs ends Failed
// (PairsFailed, so the Web UI shows it red) and carries its result in the failure's details.
import { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { EXIT_CANCELLED, NightshiftError } from '../../activities/errors.js';
import { PAIRS_FAILED } from '../../workflows/definitions.js';
import type { SweepProgress, SweepResult } from '../../workflows/progress.js';

/** The result a sweep that ran but had failed pairs carries in its failure; undefined for other failures. */
export function pairsFailedResult(error: unknown): SweepResult | undefined {
  if (!(error instanceof WorkflowFailedError) || !(error.cause instanceof ApplicationFailure) || error.cause.type !== PAIRS_FAILED) return undefined;
  return error.cause.details?.[0] as SweepResult | undefined;
}

/** Waits for the sweep; its result also when pairs failed. Other failures (bad input, cancel) throw. */
export async function sweepResult(handle: WorkflowHandle): Promise<SweepResult> {
  try {
    return (await handle.result()) as SweepResult;
  } catch (error) {
    const result = pairsFailedResult(error);
    if (result) return result;
    throw error;
  }
}

export type NotCompleted = 'cancelled' | 'terminated' | 'timed out';

/** How a sweep ended without a result, when it was stopped from outside (not a failure of its own). */
export function notCompleted(error: unknown): NotCompleted | undefined {
  if (!(error instanceof WorkflowFailedError)) return undefined;
  if (error.cause instanceof CancelledFailure) return 'cancelled';
  if (error.cause instanceof TerminatedFailure) return 'terminated';
  if (error.cause instanceof TimeoutFailure) return 'timed out';
  return undefined;
}

/** A waited-for sweep that was cancelled, terminated or timed out: what it had done by then, and an exit
 * code of its own for a cancel (6); the others are 1. */
export class SweepNotCompletedError extends NightshiftError {
  override readonly exitCode: number;
  constructor(
    readonly sweepId: string,
    readonly how: NotCompleted,
    readonly progress: SweepProgress | undefined,
  ) {
    super(`sweep ${sweepId} was ${how} before it finished`);
    this.exitCode = how === 'cancelled' ? EXIT_CANCELLED : 1;
  }
}
