// Verifier dispatch: one function per verifier type, chosen by the scenario's `verifier.type`, and the
// response-level adjustments (token_limit, no_answer_found) applied the same way for every type.
import { type Verdict, finalizeVerdict } from '../failure-modes.js';
import { DECLARATIVE_VERIFIERS, type DeclarativeVerifierType, type Scenario } from '../pack-types.js';
import { answerText } from '../response-text.js';
import { verifyAnswerMatch } from './answer-match.js';
import { verifyDataExtract } from './data-extract.js';
import { verifyInstructFollow } from './instruct-follow.js';
import { verifyReasonMath } from './reason-math.js';
import { verifyStructOutput } from './struct-output.js';
import { verifyToolCall } from './tool-call.js';

export type Verifier = (scenario: Scenario, response: unknown) => Verdict;

export const VERIFIERS: Record<DeclarativeVerifierType, Verifier> = {
  tool_call: verifyToolCall,
  instruct_follow: verifyInstructFollow,
  struct_output: verifyStructOutput,
  data_extract: verifyDataExtract,
  reason_math: verifyReasonMath,
  answer_match: verifyAnswerMatch,
};

/** Whether the scenario is judged by running code (sandbox, async) rather than by reading the answer. */
export function executesCode(scenario: Scenario): boolean {
  return !(DECLARATIVE_VERIFIERS as readonly string[]).includes(scenario.verifier.type);
}

export interface ScoredResponse extends Verdict {
  /** Which response field the answer text was read from (message.content, message.reasoning_content …). */
  response_field_used: string | null;
}

/** Scores one raw chat-completions response against a scenario. Pure: same input, same verdict. */
export function scoreResponse(scenario: Scenario, response: unknown): ScoredResponse {
  if (executesCode(scenario)) throw new Error(`scenario ${scenario.id} is judged by running code; use judgeResponse`);
  const verdict = finalizeVerdict(VERIFIERS[scenario.verifier.type as DeclarativeVerifierType](scenario, response), response);
  return { ...verdict, response_field_used: answerText(response).source };
}
