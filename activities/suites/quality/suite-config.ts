// Config of the quality suites (configs/quality/<suite>.toml, with a sweep's suiteConfig merged over it):
// which packs, how often, how to sample. The packs a mode runs for a suite are that suite's catalog entry.
import type { ConfigSpec } from '../../config/config-spec.js';
import { ConfigError } from '../../errors.js';
import { QUALITY_MODES, type QualityMode } from '../catalog.js';
import type { ThinkingControl } from './request-builder.js';

export interface QualitySuiteConfig {
  /** quick | medium (default) | full: the suite's packs for that mode (catalog.ts). Ignored when `packs` or `pack_files` is set. */
  mode: QualityMode;
  /** Built-in pack ids (configs/packs) instead of the mode's. */
  packs?: string[];
  /** Extra pack files (e.g. BenchLocal's). */
  pack_files?: string[];
  scenarios?: string[];
  repeat: number;
  concurrency: number;
  /** on | off | pack (each pack's default, the default). */
  thinking: 'on' | 'off' | 'pack';
  thinking_control: ThinkingControl;
  thinking_max_tokens: number;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  sampling_from_server: boolean;
  /** Fixed per-scenario budget in seconds (no decode-speed probe). */
  timeout_per_case?: number;
  /** Send scenarios streamed: the saved per-scenario body is then the SSE text. */
  stream: boolean;
  /** Directory of built-in packs (tests). */
  pack_dir?: string;
  /** Packs that run model-written code (HumanEval+, LiveCodeBench) run only when this is true. */
  allow_code_execution: boolean;
  /** With allow_code_execution: run that code even where no sandbox exists (limits, no isolation). */
  unsafe_no_sandbox: boolean;
}

const strings = { type: 'array', items: { type: 'string', minLength: 1 } };

export const qualitySuiteConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    mode: { enum: [...QUALITY_MODES], default: 'medium' },
    packs: strings,
    pack_files: strings,
    scenarios: strings,
    repeat: { type: 'integer', minimum: 1, maximum: 100, default: 1 },
    concurrency: { type: 'integer', minimum: 1, maximum: 256, default: 1 },
    thinking: { enum: ['on', 'off', 'pack'], default: 'pack' },
    thinking_control: { enum: ['enable_thinking', 'reasoning_effort'], default: 'enable_thinking' },
    thinking_max_tokens: { type: 'integer', minimum: 1, maximum: 1_048_576, default: 16384 },
    temperature: { type: 'number', minimum: 0, maximum: 10 },
    top_p: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    top_k: { type: 'integer', minimum: 0, maximum: 100_000 },
    sampling_from_server: { type: 'boolean', default: false },
    timeout_per_case: { type: 'number', exclusiveMinimum: 0, maximum: 86_400 },
    stream: { type: 'boolean', default: false },
    pack_dir: { type: 'string', minLength: 1 },
    allow_code_execution: { type: 'boolean', default: false },
    unsafe_no_sandbox: { type: 'boolean', default: false },
  },
} as const;

export const qualitySuiteConfigSpec: ConfigSpec<QualitySuiteConfig> = {
  schema: qualitySuiteConfigSchema,
  finish(config, where) {
    if (config.sampling_from_server && (config.temperature !== undefined || config.top_p !== undefined || config.top_k !== undefined)) {
      throw new ConfigError(`${where.source}: sampling_from_server cannot be combined with temperature/top_p/top_k`);
    }
    if (config.unsafe_no_sandbox && !config.allow_code_execution) throw new ConfigError(`${where.source}: unsafe_no_sandbox needs allow_code_execution = true`);
    return config;
  },
};
