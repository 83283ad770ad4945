// One verdict for one response, whichever kind of verifier the scenario has: the declarative ones read
// the answer (verifiers/index.ts, synchronous and pure), the code-executing ones run it in the sandbox the
// run was allowed (asynchronous). Both end with the same response-level adjustments (finalizeVerdict).
import { finalizeVerdict } from './failure-modes.js';
import type { Scenario } from './pack-types.js';
import { codeAnswerText } from './response-text.js';
import type { ExecutionContext } from './code/execution-context.js';
import type { RuntimeName } from '../../sandbox/types.js';
import { verifyCodeReasoning } from './verifiers/code-reasoning.js';
import { executesCode, scoreResponse, type ScoredResponse } from './verifiers/index.js';

/** The runtime a code-executing scenario needs (checked before the model is asked anything). */
export function requiredRuntime(scenario: Scenario): RuntimeName | undefined {
  return scenario.verifier.type === '_stub' ? 'python' : undefined;
}

export async function judgeResponse(scenario: Scenario, response: unknown, execution: ExecutionContext | undefined): Promise<ScoredResponse> {
  if (!executesCode(scenario)) return scoreResponse(scenario, response);
  if (!execution) throw new Error(`scenario ${scenario.id} runs model code, but this run has no code execution`);
  const verdict = finalizeVerdict(await verifyCodeReasoning(scenario, response, execution), response);
  return { ...verdict, response_field_used: codeAnswerText(response).source };
}
