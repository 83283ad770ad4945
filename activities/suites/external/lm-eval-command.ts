// The lm-eval command line for one (config, endpoint, model), as a pure function so every flag is unit
// tested. Always: --log_samples (the converter reads token counts from the samples), --output_path in the
// suite's work dir, and --use_cache on a file kept in that work dir, which lives as long as the
// (sweep, model, suite): lm-eval writes each answer to that sqlite cache as it arrives, so a retried
// attempt answers finished samples from the cache and sends only the rest to the model.
import { join } from 'node:path';
import { ConfigError } from '../../errors.js';
import type { LmEvalConfig } from './lm-eval-config.js';

export interface LmEvalPaths {
  /** Where lm-eval writes results_*.json and samples_*.jsonl (under a per-model subdirectory). */
  outputDir: string;
  /** Prefix lm-eval turns into `<prefix>_rank0.db`. */
  cachePrefix: string;
}

export function lmEvalPaths(workDir: string): LmEvalPaths {
  return { outputDir: join(workDir, 'lm-eval-output'), cachePrefix: join(workDir, 'lm-eval-cache', 'requests') };
}

/** `http://host:port`, `http://host:port/`, `http://host:port/v1` → the route lm-eval must post to. */
export function endpointUrl(endpoint: string, modelType: LmEvalConfig['model_type']): string {
  let base: URL;
  try {
    base = new URL(endpoint);
  } catch {
    throw new ConfigError(`endpoint: not a URL: ${JSON.stringify(endpoint)} (expected e.g. http://127.0.0.1:11434)`);
  }
  const path = base.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  const route = modelType === 'chat' ? '/v1/chat/completions' : '/v1/completions';
  return `${base.origin}${path}${route}`;
}

/** lm-eval splits --model_args on ',' and '=' without quoting, so values must not contain them. */
function modelArg(key: string, value: string | number): string {
  const text = String(value);
  if (/[,=]/.test(text)) {
    throw new ConfigError(`lm-eval model_args ${key}: ${JSON.stringify(text)} contains ',' or '=', which lm-eval cannot pass through`);
  }
  return `${key}=${text}`;
}

export function buildLmEvalArgs(config: LmEvalConfig, endpoint: string, model: string, paths: LmEvalPaths): string[] {
  const modelArgs = [
    modelArg('model', model),
    modelArg('base_url', endpointUrl(endpoint, config.model_type)),
    modelArg('num_concurrent', config.num_concurrent),
    modelArg('max_retries', config.max_retries),
    modelArg('timeout', config.request_timeout_seconds),
    // No tokenizer: requests go out as text and nothing is downloaded. Loglikelihood tasks need one,
    // so configs use generative task variants (arc_challenge_chat, mmlu_generative, …).
    'tokenizer_backend=None',
    'tokenized_requests=False',
  ];
  if (config.gen_kwargs.max_gen_toks !== undefined) modelArgs.push(modelArg('max_gen_toks', config.gen_kwargs.max_gen_toks));
  if (config.seed !== undefined) modelArgs.push(modelArg('seed', config.seed));

  const args = [
    '-m',
    'lm_eval',
    '--model',
    config.model_type === 'chat' ? 'local-chat-completions' : 'local-completions',
    '--model_args',
    modelArgs.join(','),
    '--tasks',
    config.tasks.join(','),
    '--output_path',
    paths.outputDir,
    '--log_samples',
    '--use_cache',
    paths.cachePrefix,
  ];
  if (config.apply_chat_template) {
    args.push('--apply_chat_template');
    // Few-shot turns only exist in a chat rendering; lm-eval rejects the flag without a chat template.
    args.push('--fewshot_as_multiturn', config.fewshot_as_multiturn ? 'true' : 'false');
  }
  if (config.system_instruction !== undefined) args.push('--system_instruction', config.system_instruction);
  if (config.num_fewshot !== undefined) args.push('--num_fewshot', String(config.num_fewshot));
  if (config.limit !== undefined) args.push('--limit', String(config.limit));
  const gen = genKwargsJson(config);
  if (gen) args.push('--gen_kwargs', gen);
  if (config.seed !== undefined) args.push('--seed', String(config.seed));
  if (config.include_path !== undefined) args.push('--include_path', config.include_path);
  if (config.confirm_run_unsafe_code) args.push('--confirm_run_unsafe_code');
  return args;
}

/** --gen_kwargs as one JSON object (lm-eval accepts JSON, which keeps `until` lists intact). */
function genKwargsJson(config: LmEvalConfig): string | undefined {
  const entries = Object.entries(config.gen_kwargs).filter(([, v]) => v !== undefined);
  return entries.length ? JSON.stringify(Object.fromEntries(entries)) : undefined;
}
