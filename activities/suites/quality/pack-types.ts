// The quality-pack format: JSONL as benchlocal-cli ships it. Line 1 is a `{"__meta__": true, …}`
// header, every other line one scenario. Only the fields Nightshift reads are typed; every other field
// a pack carries (upstream_repo, tags, success_case, …) is kept untouched on the parsed object.

/** Verifiers that judge the answer text in-process. */
export const DECLARATIVE_VERIFIERS = ['tool_call', 'instruct_follow', 'struct_output', 'data_extract', 'reason_math', 'answer_match'] as const;
/** `_stub` is benchlocal-cli's marker for packs verified by running code (HumanEval+, LiveCodeBench):
 * Nightshift runs them in its sandbox (verifiers/code-reasoning.ts), chosen by `raw_problem.dataset`. */
export const EXECUTING_VERIFIERS = ['_stub'] as const;
export const VERIFIER_TYPES = [...DECLARATIVE_VERIFIERS, ...EXECUTING_VERIFIERS] as const;
export type VerifierType = (typeof VERIFIER_TYPES)[number];
export type DeclarativeVerifierType = (typeof DECLARATIVE_VERIFIERS)[number];

export interface PackMeta {
  __meta__: true;
  pack_id: string;
  version: string;
  /** Request fields every scenario starts from (temperature, top_p, max_tokens, chat_template_kwargs …). */
  sampling_defaults?: Record<string, unknown>;
  /** "on" / "off" (or a boolean): whether thinking is requested when the run does not force it. */
  default_thinking?: string | boolean;
  /** Per-scenario time budget before speed scaling, seconds. */
  default_max_seconds?: number;
  /** Decode speed (tokens/s) the budget was written for; a slower server gets proportionally more time. */
  timeout_reference_tps?: number;
  /** Sampling used when thinking is on, if the pack wants something other than its defaults. */
  thinking_sampler?: Record<string, unknown>;
  scenario_count?: number;
  upstream_commit?: string;
  /** benchlocal-cli: the data is gated and not shipped; the pack runs nothing and reports `dataset-unavailable`. */
  requires_dataset_access?: boolean;
  dataset_access_note?: string;
  [extra: string]: unknown;
}

export interface Assert {
  kind: string;
  [field: string]: unknown;
}

export interface ChatMessage {
  role: string;
  content?: unknown;
  [field: string]: unknown;
}

export interface Scenario {
  id: string;
  description?: string;
  messages: ChatMessage[];
  tools?: unknown[];
  verifier: { type: VerifierType; asserts: Assert[] };
  sampling_overrides?: Record<string, unknown>;
  max_seconds_override?: number | null;
  expected?: unknown;
  /** DataExtract: object-array anchor keys by path (e.g. {"items": "name"}); see verifiers/data-extract.ts. */
  array_anchors?: Record<string, string>;
  declares_top_level_shape?: boolean;
  benchmark_reference_date?: string;
  benchmark_reference_day?: string;
  [extra: string]: unknown;
}

export interface Pack {
  meta: PackMeta;
  scenarios: Scenario[];
  /** File the pack was read from (for error messages and the saved result). */
  source: string;
}
