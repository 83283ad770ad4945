// How a sweep workflow fails, in one place: bad input (non-retryable, every problem listed), and a child
// that ended Failed because of failed pairs (its failure carries its progress in the details).
import { ApplicationFailure, ChildWorkflowFailure } from '@temporalio/workflow';
import { PAIRS_FAILED } from './definitions.js';
import { formatProblems, MAX_LISTED_PROBLEMS, type InputProblem } from './shared/sweep-input.js';

/** Non-retryable: the workflow fails at once; the message lists every problem (the first 50), one per line. */
export function invalidInput(problems: readonly InputProblem[]): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'InvalidSweepInput',
    nonRetryable: true,
    message: `invalid sweep input (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n${formatProblems(problems)}`,
    details: [problems.slice(0, MAX_LISTED_PROBLEMS)],
  });
}

/** What a child that ended Failed because of failed pairs carries in its failure (its progress or result). */
export function pairsFailedDetails(error: unknown): unknown {
  if (!(error instanceof ChildWorkflowFailure) || !(error.cause instanceof ApplicationFailure) || error.cause.type !== PAIRS_FAILED) return undefined;
  return error.cause.details?.[0];
}
