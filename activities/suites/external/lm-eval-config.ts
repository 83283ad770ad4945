// The lm-eval suite's config (configs/lm-eval/<suite>.toml): which tasks, how many samples, how to
// generate, how to reach the endpoint, and the time limits. Loaded through the one config loader, so an
// unknown key or a wrong type is an error naming the file, line and key.
import { isAbsolute, resolve } from 'node:path';
import type { ConfigSpec } from '../../config/config-spec.js';
import { ConfigError } from '../../errors.js';

export interface LmEvalGenKwargs {
  max_gen_toks?: number;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  do_sample?: boolean;
  until?: string[];
}

export interface LmEvalConfig {
  tasks: string[];
  /** "chat" → local-chat-completions on /v1/chat/completions; "completions" → local-completions. */
  model_type: 'chat' | 'completions';
  num_fewshot?: number;
  /** Chat only: few-shot examples as alternating user/assistant turns (lm-eval's --fewshot_as_multiturn). */
  fewshot_as_multiturn: boolean;
  /** lm-eval builds chat messages (--apply_chat_template). Default: on for chat, off for completions. */
  apply_chat_template: boolean;
  system_instruction?: string;
  /** Samples per task: an integer count, or a fraction (< 1) of each task. Absent: every sample. */
  limit?: number;
  num_concurrent: number;
  max_retries: number;
  /** Per request (lm-eval's model_args timeout). */
  request_timeout_seconds: number;
  /** The whole lm-eval run; the process group is killed when it passes. */
  timeout_minutes: number;
  seed?: number;
  gen_kwargs: LmEvalGenKwargs;
  /** Code-executing tasks (humaneval, mbpp) run model-written code on this machine: explicit opt-in. */
  confirm_run_unsafe_code: boolean;
  /** Directory with extra task YAMLs (--include_path; lm-eval takes one); relative to the config file.
   * lm-eval runs with it as its working directory, so a task's relative data_files resolve there. */
  include_path?: string;
  /** Let lm-eval reach the Hugging Face hub (first download of a task's dataset). Off: the hub is
   * switched off (HF_HUB_OFFLINE, HF_DATASETS_OFFLINE) and only cached datasets work; the HF token is
   * passed to lm-eval only when this is on. */
  allow_hub_downloads: boolean;
}

export const lmEvalConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['tasks'],
  properties: {
    tasks: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[A-Za-z0-9_.\\-]+$' } },
    model_type: { enum: ['chat', 'completions'], default: 'chat' },
    num_fewshot: { type: 'integer', minimum: 0 },
    fewshot_as_multiturn: { type: 'boolean', default: true },
    apply_chat_template: { type: 'boolean' },
    system_instruction: { type: 'string' },
    limit: { type: 'number', exclusiveMinimum: 0 },
    num_concurrent: { type: 'integer', minimum: 1, maximum: 256, default: 1 },
    max_retries: { type: 'integer', minimum: 1, maximum: 20, default: 3 },
    request_timeout_seconds: { type: 'integer', minimum: 1, default: 600 },
    timeout_minutes: { type: 'number', exclusiveMinimum: 0, default: 720 },
    seed: { type: 'integer', minimum: 0 },
    gen_kwargs: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        max_gen_toks: { type: 'integer', minimum: 1 },
        temperature: { type: 'number', minimum: 0 },
        top_p: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        top_k: { type: 'integer', minimum: 0 },
        do_sample: { type: 'boolean' },
        until: { type: 'array', items: { type: 'string', minLength: 1 } },
      },
    },
    confirm_run_unsafe_code: { type: 'boolean', default: false },
    include_path: { type: 'string', minLength: 1 },
    allow_hub_downloads: { type: 'boolean', default: false },
  },
} as const;

export const lmEvalConfigSpec: ConfigSpec<LmEvalConfig> = { schema: lmEvalConfigSchema, finish };

/** The config as the schema leaves it: apply_chat_template has no schema default (it depends on model_type). */
type CheckedLmEvalConfig = Omit<LmEvalConfig, 'apply_chat_template'> & { apply_chat_template?: boolean };

function finish(checked: CheckedLmEvalConfig, where: { source: string; dir: string }): LmEvalConfig {
  // Integers count samples; a fraction below 1 is a share of each task. 2.5 samples means neither.
  if (checked.limit !== undefined && checked.limit >= 1 && !Number.isInteger(checked.limit)) {
    throw new ConfigError(`${where.source}: limit: must be a whole number of samples or a fraction below 1 (got ${checked.limit})`);
  }
  // A completions endpoint gets the prompt text as-is unless the config asks otherwise.
  const config: LmEvalConfig = { ...checked, apply_chat_template: checked.apply_chat_template ?? checked.model_type === 'chat' };
  if (config.include_path !== undefined && !isAbsolute(config.include_path)) {
    config.include_path = resolve(where.dir, config.include_path);
  }
  return config;
}
