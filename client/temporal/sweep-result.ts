// A sweep's result, whether it passed or ran with failed pairs: a sweep with failed pairs ends Failed
// (PairsFailed, so the Web UI shows it red) and carries its result in the failure's details.
import { ApplicationFailure, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { PAIRS_FAILED } from '../../workflows/definitions.js';
import type { SweepResult } from '../../workflows/progress.js';

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
