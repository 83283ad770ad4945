// Per-scenario time budget. The packs state a budget for a reference decode speed; a slower server
// gets proportionally longer, and thinking (which raises the token ceiling) multiplies it again:
//
//   budget = base × max(1, reference_tps / measured_tps) × max(1, thinking_max_tokens / pack_max_tokens)
//
// where base = scenario max_seconds_override ?? pack default_max_seconds ?? 60 s, reference_tps is the
// pack's timeout_reference_tps (no speed scaling without it), and measured_tps comes from a short
// probe at the start of the run. A faster server never gets less than the pack's budget. The budget
// is a generous ceiling for a stuck request, not a speed requirement. --timeout-per-case overrides all.
import type { PackMeta, Scenario } from './pack-types.js';

export const DEFAULT_CASE_SECONDS = 60;

export interface BudgetInputs {
  /** --timeout-per-case, seconds. */
  fixedSeconds?: number;
  measuredTps?: number;
  thinking: boolean;
  thinkingMaxTokens: number;
}

export function scenarioBudgetSeconds(meta: PackMeta, scenario: Scenario, inputs: BudgetInputs): number {
  if (inputs.fixedSeconds !== undefined) return inputs.fixedSeconds;
  const base = scenario.max_seconds_override ?? meta.default_max_seconds ?? DEFAULT_CASE_SECONDS;
  let budget = base;
  const reference = meta.timeout_reference_tps;
  if (reference && inputs.measuredTps && inputs.measuredTps > 0) budget *= Math.max(1, reference / inputs.measuredTps);
  if (inputs.thinking) {
    const nominal = Number(meta.sampling_defaults?.max_tokens ?? 1024) || 1024;
    budget *= Math.max(1, inputs.thinkingMaxTokens / nominal);
  }
  return Math.round(budget * 10) / 10;
}
