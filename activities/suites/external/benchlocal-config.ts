// Config of the benchlocal suite (configs/benchlocal/tool-calling.toml). Loaded like every config.
import type { ConfigSpec } from '../../config/config-spec.js';

export interface BenchlocalConfig {
  /** benchlocal-cli's pack set: quick (tool calls + instruction following), medium (+ structured output,
   * data extraction), full (+ numeric reasoning). Ignored when `packs` names packs. */
  mode: 'quick' | 'medium' | 'full';
  /** Explicit pack ids (e.g. ["toolcall-15"]); empty = the mode's set. */
  packs: string[];
  /** "pack": each pack's own default; "on"/"off": force thinking for every pack. */
  thinking: 'pack' | 'on' | 'off';
  /** Per-scenario limit; absent = benchlocal-cli's own speed-scaled limit. */
  timeout_per_case_seconds?: number;
  /** benchlocal-cli's failure-only inline retries (pass@k tags); off = strict pass@1 (--no-retry). */
  retry_failures: boolean;
  timeout_minutes: number;
}

export const benchlocalConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    mode: { enum: ['quick', 'medium', 'full'], default: 'quick' },
    packs: { type: 'array', items: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]*$' }, default: [] },
    thinking: { enum: ['pack', 'on', 'off'], default: 'pack' },
    timeout_per_case_seconds: { type: 'integer', minimum: 1 },
    retry_failures: { type: 'boolean', default: true },
    timeout_minutes: { type: 'number', exclusiveMinimum: 0, default: 90 },
  },
} as const;

export const benchlocalConfigSpec: ConfigSpec<BenchlocalConfig> = { schema: benchlocalConfigSchema };
