// Verdict vocabulary shared by verifiers, the runner, the saved JSON and the report. Content failures
// come from verifiers; transport failures (timeout, http_error, server_error,
// model_endpoint_unreachable) from the runner; token_limit re-labels a content failure whose response
// stopped at max_tokens, keeping the verifier's own verdict in the detail.
import { answerText, finishReason, toolCalls } from './response-text.js';

export const FAILURE_MODES = [
  'passed',
  'verifier_fail',
  'wrong_answer',
  'invalid_json',
  'no_answer_found',
  'missing_field',
  'extra_fields',
  'schema_violation',
  'wrong_structure',
  'token_limit',
  'timeout',
  'http_error',
  'server_error',
  'model_endpoint_unreachable',
  // Code-executing packs: the sandbox stopped the program (network, file size, work-directory quota) …
  'sandbox_violation',
  // … or the scenario could not be judged here (its language's runtime is not installed); not counted.
  'skipped',
] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];

/** Failures that say nothing about the model's answer, only about reaching it. */
export const TRANSPORT_FAILURES: ReadonlySet<FailureMode> = new Set(['timeout', 'http_error', 'server_error', 'model_endpoint_unreachable']);

export interface Verdict {
  passed: boolean;
  failure_mode: FailureMode;
  detail: string;
  /** Upstream-style partial score, 0–100, kept beside the binary verdict. */
  score: number;
  /** Verifier-specific diagnostics (field counts, answer/trace axes …), or null. */
  verifier_trace: Record<string, unknown> | null;
}

/** One assert's outcome: undefined when it held, else why not. */
export type CheckResult = { mode: FailureMode; detail: string } | undefined;

/**
 * Verdict of a list of declarative checks: the first failing check decides the failure mode and
 * detail (benchlocal-cli stops at the first failing assert); every check counts toward the score.
 */
export function verdictFromChecks(checks: CheckResult[], passDetail: string): Verdict {
  const failures = checks.filter((c): c is NonNullable<CheckResult> => c !== undefined);
  const total = checks.length;
  const score = total === 0 ? 0 : Math.round(((total - failures.length) / total) * 100);
  const first = failures[0];
  if (!first) return { passed: true, failure_mode: 'passed', detail: passDetail, score, verifier_trace: null };
  return {
    passed: false,
    failure_mode: first.mode,
    detail: first.detail,
    score,
    verifier_trace: { asserts_passed: total - failures.length, asserts_total: total },
  };
}

export function failVerdict(mode: FailureMode, detail: string, trace: Record<string, unknown> | null = null): Verdict {
  return { passed: false, failure_mode: mode, detail, score: 0, verifier_trace: trace };
}

/**
 * Adjusts a verifier's verdict for how the response ended: a failed answer cut off at max_tokens is
 * `token_limit`; a response with no text and no tool calls at all is `no_answer_found`. The verifier's
 * own verdict stays in the detail so nothing is hidden.
 */
/** Verdicts about the program rather than the answer's text, which the response's ending does not explain. */
const EXECUTION_FAILURES: ReadonlySet<FailureMode> = new Set(['timeout', 'sandbox_violation', 'skipped']);

export function finalizeVerdict(verdict: Verdict, response: unknown): Verdict {
  if (verdict.passed || EXECUTION_FAILURES.has(verdict.failure_mode)) return verdict;
  if (finishReason(response) === 'length') {
    return {
      ...verdict,
      failure_mode: 'token_limit',
      detail: `output truncated at token limit (finish_reason=length); underlying verdict was ${verdict.failure_mode}: ${verdict.detail}`,
    };
  }
  if (answerText(response).text.trim() === '' && toolCalls(response).length === 0) {
    return { ...verdict, failure_mode: 'no_answer_found', detail: `empty response; underlying verdict was ${verdict.failure_mode}: ${verdict.detail}` };
  }
  return verdict;
}
