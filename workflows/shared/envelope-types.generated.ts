/* Generated from schema.json by activities/envelope/generate-types.ts; do not edit by hand. */
/**
 * One Nightshift result envelope: the outcome of one benchmark suite run for one model on one host. Version 1 of the contract; optional fields may be added without a version bump, anything breaking bumps schema_version and $id.
 */
export interface NightshiftResultEnvelope {
  /**
   * Envelope contract version. Always "1" for this schema.
   */
  schema_version: '1';
  /**
   * When the suite run started, as an RFC 3339 / ISO 8601 date-time (UTC recommended, e.g. 2026-11-23T02:00:00Z).
   */
  timestamp: string;
  /**
   * Commit (7 to 64 hex digits) of the benchmark definitions that produced the run.
   */
  git_sha: string;
  /**
   * What started the run: a schedule, a pull request, a manual dispatch, or a local run.
   */
  trigger: 'schedule' | 'pr' | 'workflow_dispatch' | 'local';
  /**
   * Pull request number when trigger is "pr"; null or absent otherwise.
   */
  pr_number?: number | null;
  /**
   * The benchmark suite this envelope reports.
   */
  suite:
    | 'throughput'
    | 'ttft'
    | 'tool-calling'
    | 'code-accuracy'
    | 'framework-eval'
    | 'capability-comparison'
    | 'coding'
    | 'reasoning'
    | 'knowledge'
    | 'evalplus'
    | 'math-hard';
  /**
   * Model identifier as the endpoint serves it (e.g. mlx-community/Qwen3.5-9B-MLX-4bit).
   */
  model: string;
  /**
   * Model revision (Hugging Face tag or commit) when it is known; never the backend name.
   */
  model_revision?: string;
  /**
   * Quantization as the runtime reports it (e.g. mlx-4bit, Q4_K_M, mxfp4).
   */
  quantization?: string;
  /**
   * True when the suite did not run (e.g. the tool is not installed); results then explain why or are empty.
   */
  skipped?: boolean;
  /**
   * Random seed the run really used for generation, when the tool records one.
   */
  seed?: number;
  /**
   * Generation settings sent to the model.
   */
  gen_kwargs?: {
    max_gen_toks?: number;
    temperature?: number;
    top_p?: number;
    top_k?: number;
  };
  system: {
    /**
     * Operating system name and version (e.g. macOS 15.3.2, Debian GNU/Linux 12).
     */
    os: string;
    /**
     * Processor or SoC (e.g. Apple M4 Max).
     */
    chip: string;
    /**
     * Installed memory, whole gigabytes.
     */
    memory_gb: number;
    /**
     * Installed vllm-mlx version, when present.
     */
    vllm_mlx_version?: string;
    /**
     * CI runner label or worker identity that ran the suite.
     */
    runner?: string;
    /**
     * Python version of the environment the tools ran in.
     */
    python_version?: string;
    /**
     * Installed mlx version, when present.
     */
    mlx_version?: string;
    /**
     * Installed mlx-lm version, when present.
     */
    mlx_lm_version?: string;
    /**
     * Installed lm-eval version, when present.
     */
    lm_eval_version?: string;
    /**
     * Kernel release (uname -r).
     */
    kernel?: string;
  };
  /**
   * One entry per measured metric.
   */
  results: {
    /**
     * What was measured (task or measurement name, e.g. gsm8k_cot_zeroshot, decode_tok_per_sec_p512_c1).
     */
    name: string;
    /**
     * Kind of metric (e.g. exact_match_flexible, throughput, latency, score).
     */
    metric: string;
    /**
     * The measured number.
     */
    value: number;
    /**
     * Unit of value (e.g. ratio, tok/s, ms, seconds, count).
     */
    unit: string;
    /**
     * Wall-clock seconds attributable to this result.
     */
    duration_seconds?: number;
    /**
     * Prompt (prefill) tokens per second.
     */
    prompt_tokens_per_second?: number;
    /**
     * Generated (decode) tokens per second.
     */
    decode_tokens_per_second?: number;
    /**
     * Prompt plus generated tokens per second.
     */
    total_tokens_per_second?: number;
    /**
     * Time to first token, milliseconds.
     */
    first_token_latency_ms?: number;
    /**
     * Peak resident memory of the model server while this result was measured, megabytes.
     */
    peak_rss_mb?: number;
    /**
     * Extra string metadata about this result (e.g. lm_eval_key, n_limit, stderr).
     */
    tags?: {
      [k: string]: string;
    };
    /**
     * The tool's own output for this result, unmodified.
     */
    raw?: {
      [k: string]: unknown;
    };
  }[];
  /**
   * Memory readings taken at phases of the run.
   */
  memory_snapshots?: {
    /**
     * Phase of the run (e.g. before, loaded, peak, after).
     */
    phase: string;
    /**
     * Resident memory of the model server process tree, gigabytes.
     */
    rss_gb: number;
    /**
     * Free system memory, gigabytes.
     */
    free_gb?: number;
    /**
     * Wired (non-pageable) memory, gigabytes (macOS).
     */
    wired_gb?: number;
    /**
     * Swap in use, megabytes.
     */
    swap_mb?: number;
  }[];
  /**
   * Non-fatal problems met during the run, one sentence each.
   */
  errors?: string[];
}

export const SUITES = ["throughput","ttft","tool-calling","code-accuracy","framework-eval","capability-comparison","coding","reasoning","knowledge","evalplus","math-hard"] as const;
export const TRIGGERS = ["schedule","pr","workflow_dispatch","local"] as const;
