// Configuration of the native performance suites (throughput, ttft): one schema, two sets of defaults.
// Files live at configs/nightshift/<suite>.toml; a sweep's overrides and `nightshift run`'s flags merge
// over them through the one config loader (unknown keys and wrong types are errors, defaults filled in).
import type { ConfigSpec } from '../../config/config-spec.js';

export type PerfSuiteName = 'throughput' | 'ttft';

export interface PerfConfig {
  /** Prompt lengths to measure, in the server's tokens (calibrated), e.g. [128, 512, 2048, 8192]. */
  prompt_tokens: number[];
  /** Generation length (max_tokens) of every measured request. */
  max_tokens: number;
  /** Concurrency levels: requests kept in flight at once. */
  concurrency: number[];
  /** Measured requests per concurrency slot: a cell at concurrency c runs c × repeats requests. */
  repeats: number;
  /** Warm-up rounds per cell (each `concurrency` requests), discarded. */
  warmup_rounds: number;
  /** Open-loop arrival rate in requests/s; absent = closed loop (a slot sends when its last reply ends). */
  request_rate?: number;
  /** Spacing of open-loop arrivals. */
  arrival: 'uniform' | 'poisson';
  temperature: number;
  /** Ask the server to ignore end-of-sequence so every reply is max_tokens long (llama.cpp, vLLM). */
  ignore_eos: boolean;
  /** Fit prompt length to the server's tokenizer with two probe requests before measuring. */
  calibrate_prompts: boolean;
  request_timeout_s: number;
  connect_timeout_s: number;
  /** Seeds the prompt word sequence (salts stay random, so prefix caches cannot help, even on retry). */
  seed: number;
  /** Extra request body fields, passed verbatim (e.g. chat_template_kwargs). */
  extra_body?: Record<string, unknown>;
}

// Every number has a ceiling, so a typo (`concurrency = [100000]`) is refused with the bound before any
// request is sent rather than opening a hundred thousand connections. The ceilings are far beyond any
// sensible run: 1,024 requests in flight, 2 Mi-token prompts, 1 Mi-token replies, 10,000 repeats, a day per
// request.
export const PERF_LIMITS = {
  prompt_tokens: 2_097_152,
  max_tokens: 1_048_576,
  concurrency: 1_024,
  /** Entries in the prompt_tokens and concurrency lists: cells multiply, so each list stays short. */
  list_items: 64,
  repeats: 10_000,
  warmup_rounds: 100,
  /** Requests per second of an open-loop schedule. */
  request_rate: 100_000,
  /** OpenAI's range for temperature. */
  temperature: 2,
  timeout_s: 86_400,
  /** The prompt words' PRNG takes a 32-bit seed. */
  seed: 4_294_967_295,
} as const;

const intList = (maximum: number) => ({ type: 'array', minItems: 1, maxItems: PERF_LIMITS.list_items, items: { type: 'integer', minimum: 1, maximum } });

function schemaWithDefaults(defaults: Partial<PerfConfig>): object {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      prompt_tokens: { ...intList(PERF_LIMITS.prompt_tokens), default: defaults.prompt_tokens },
      max_tokens: { type: 'integer', minimum: 1, maximum: PERF_LIMITS.max_tokens, default: defaults.max_tokens },
      concurrency: { ...intList(PERF_LIMITS.concurrency), default: defaults.concurrency },
      repeats: { type: 'integer', minimum: 1, maximum: PERF_LIMITS.repeats, default: defaults.repeats },
      warmup_rounds: { type: 'integer', minimum: 0, maximum: PERF_LIMITS.warmup_rounds, default: defaults.warmup_rounds },
      request_rate: { type: 'number', exclusiveMinimum: 0, maximum: PERF_LIMITS.request_rate },
      arrival: { enum: ['uniform', 'poisson'], default: 'uniform' },
      temperature: { type: 'number', minimum: 0, maximum: PERF_LIMITS.temperature, default: 0 },
      ignore_eos: { type: 'boolean', default: true },
      calibrate_prompts: { type: 'boolean', default: true },
      request_timeout_s: { type: 'number', exclusiveMinimum: 0, maximum: PERF_LIMITS.timeout_s, default: 600 },
      connect_timeout_s: { type: 'number', exclusiveMinimum: 0, maximum: PERF_LIMITS.timeout_s, default: 5 },
      seed: { type: 'integer', minimum: 0, maximum: PERF_LIMITS.seed, default: 0 },
      extra_body: { type: 'object' },
    },
  };
}

export const PERF_DEFAULTS: Record<PerfSuiteName, Partial<PerfConfig>> = {
  throughput: { prompt_tokens: [512], max_tokens: 256, concurrency: [1, 2, 4, 8], repeats: 4, warmup_rounds: 1 },
  ttft: { prompt_tokens: [128, 512, 2048, 8192], max_tokens: 16, concurrency: [1], repeats: 5, warmup_rounds: 1 },
};

const specs: Record<PerfSuiteName, ConfigSpec<PerfConfig>> = {
  throughput: { schema: schemaWithDefaults(PERF_DEFAULTS.throughput) },
  ttft: { schema: schemaWithDefaults(PERF_DEFAULTS.ttft) },
};

/** The config spec of a native perf suite (catalog.ts); schema defaults are that suite's defaults. */
export function perfConfigSpec(suite: PerfSuiteName): ConfigSpec<PerfConfig> {
  return specs[suite];
}
