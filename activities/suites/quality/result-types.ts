// The saved result of a quality run (`--save-json`): per pack and per scenario, with the request, the
// response, the verdict and its reasons. Field names follow benchlocal-cli's result JSON where the two
// overlap (pack_id, scenarios[].raw_response, failure_mode, detail, latency_seconds, …) so `inspect`
// and `rescore` read either tool's file.

export const RESULT_FORMAT = 'nightshift-quality';

/** The response body exactly as the server sent it (after transfer-encoding, nothing decompressed). */
export interface RawBody {
  /** Whether the request was streamed: `text` is then the SSE stream up to its end ([DONE]). */
  streamed: boolean;
  content_type: string | null;
  /** Bytes kept. */
  bytes: number;
  /** True when the body went on past `limit_bytes` (the client's response cap) and was cut there. */
  truncated: boolean;
  limit_bytes: number;
  /** The bytes as text (valid UTF-8), or … */
  text?: string;
  /** … the bytes in base64 when they are not valid UTF-8. */
  base64?: string;
}

export interface ScenarioRun {
  id: string;
  repeat_index: number;
  description?: string;
  passed: boolean;
  /** A FailureMode; a file from another runner or version may hold other modes. */
  failure_mode: string;
  detail: string;
  /** Upstream-style partial score, 0–100. */
  score?: number;
  latency_seconds: number;
  tokens_completion: number | null;
  tokens_prompt?: number | null;
  finish_reason?: string | null;
  response_field_used?: string | null;
  status_code: number | null;
  timeout_seconds?: number;
  request: Record<string, unknown>;
  /** The response as the client assembled it, in chat-completions shape: what the verifiers judged. */
  raw_response: Record<string, unknown> | null;
  /** The body as received (the last attempt's); null when no response came (unreachable, timeout
   * before the headers). Absent in files written before it existed and in benchlocal-cli's files. */
  raw_body?: RawBody | null;
  verifier_trace: Record<string, unknown> | null;
}

export interface LatencySummary {
  p50: number | null;
  p95: number | null;
  mean: number | null;
}

export interface PackRun {
  pack_id: string;
  version: string;
  source?: string;
  /** Envelope suite the pack publishes under. */
  suite?: string;
  scenario_count: number;
  passed: number;
  total: number;
  score: number;
  latency: LatencySummary;
  thinking_enabled: boolean;
  /** ok, or why the pack's numbers are not trustworthy (e.g. thinking-contaminated), or why it did not run
   * (dataset-unavailable: a gated pack that ships no scenarios). */
  status: string;
  /** The pack was not run (benchlocal-cli's flag; its totals leave it out). */
  skipped?: boolean;
  warnings: string[];
  /** With --repeat k: scenarios passing in at least one of k tries, and those that both passed and failed. */
  pass_at_k?: { k: number; passed: number; total: number; score: number } | null;
  flaky?: string[];
  thinking_validity?: { expected: 'on' | 'off'; responses: number; with_reasoning: number; status: 'ok' | 'silent' | 'contaminated' } | null;
  scenarios: ScenarioRun[];
}

export interface QualityResult {
  format?: typeof RESULT_FORMAT;
  schema_version: string;
  runner?: string;
  runner_version?: string;
  endpoint: string;
  model: string;
  mode: string;
  started_at: string;
  finished_at: string;
  /** True only for temperature-0 pack sampling with no run-level sampling changes. */
  canonical?: boolean;
  sampling_overrides?: Record<string, number> | null;
  sampling_source?: 'packs' | 'server';
  server_defaults?: Record<string, unknown> | null;
  thinking_mode?: string;
  thinking_control?: string;
  repeat?: number;
  timeouts?: { measured_decode_tps: number | null; fixed_seconds: number | null; formula: string };
  packs: PackRun[];
  totals: { passed: number; total: number; score: number };
  warnings: string[];
}
