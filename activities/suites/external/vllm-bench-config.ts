// Config of the vllm-bench suite (configs/vllm/throughput.toml): `vllm bench serve` with a synthetic
// random dataset against the endpoint. Loaded like every config (file, line and key in errors).
import type { ConfigSpec } from '../../config/config-spec.js';

export interface VllmBenchConfig {
  /** "chat" → --backend openai-chat on /v1/chat/completions; "completions" → --backend openai. */
  model_type: 'chat' | 'completions';
  /** Tokenizer vllm bench uses to build prompts of an exact token length: a local directory, or a hub id
   * (then allow_hub_downloads must be on for the first run). Default: the model id. */
  tokenizer?: string;
  num_prompts: number;
  input_len: number;
  output_len: number;
  max_concurrency: number;
  /** Requests per second; absent = all at once (vllm's "inf"), limited by max_concurrency. */
  request_rate?: number;
  seed: number;
  /** Keep generating to output_len (stop tokens ignored), so every request decodes the same length. */
  ignore_eos: boolean;
  percentiles: number[];
  timeout_minutes: number;
  allow_hub_downloads: boolean;
}

export const vllmBenchConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    model_type: { enum: ['chat', 'completions'], default: 'chat' },
    tokenizer: { type: 'string', minLength: 1 },
    num_prompts: { type: 'integer', minimum: 1, default: 100 },
    input_len: { type: 'integer', minimum: 1, default: 512 },
    output_len: { type: 'integer', minimum: 1, default: 128 },
    max_concurrency: { type: 'integer', minimum: 1, default: 1 },
    request_rate: { type: 'number', exclusiveMinimum: 0 },
    seed: { type: 'integer', minimum: 0, default: 0 },
    ignore_eos: { type: 'boolean', default: true },
    percentiles: { type: 'array', minItems: 1, items: { type: 'number', exclusiveMinimum: 0, maximum: 100 }, default: [50, 90, 99] },
    timeout_minutes: { type: 'number', exclusiveMinimum: 0, default: 60 },
    allow_hub_downloads: { type: 'boolean', default: false },
  },
} as const;

export const vllmBenchConfigSpec: ConfigSpec<VllmBenchConfig> = { schema: vllmBenchConfigSchema };
