// Quality packs as a sweep suite (the SuiteRunner contract): the activity wrapper hands in the
// journal, cancellation and a heartbeat callback; this runs the selected packs, heartbeats once per
// scenario, resumes from the journal, and returns envelope results. One envelope holds the packs of
// one schema suite, so a sweep that runs all five packs lists three suite entries with the same
// config and `suite` set to tool-calling, capability-comparison and reasoning (see pack-suites.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SUITES, type GenKwargs, type Suite } from '../../envelope/types.js';
import { ConfigError } from '../../errors.js';
import type { SuiteOutcome, SuiteRunner } from '../types.js';
import { packResults } from './envelope-results.js';
import { BUILTIN_PACK_DIR, resolvePacks } from './pack-loader.js';
import { MODES, type QualityMode, suiteForPack } from './pack-suites.js';
import type { ThinkingControl } from './request-builder.js';
import { runQuality } from './runner.js';

export interface QualitySuiteConfig {
  /** quick (ToolCall + InstructFollow) | medium (all five, default) | full. Ignored when `packs` is set. */
  mode?: QualityMode;
  /** Built-in pack ids (configs/packs). */
  packs?: string[];
  /** Extra pack files (e.g. BenchLocal's). */
  pack_files?: string[];
  /** Only the packs that publish under this envelope suite. */
  suite?: Suite;
  scenarios?: string[];
  repeat?: number;
  concurrency?: number;
  /** on | off | pack (each pack's default, the default). */
  thinking?: 'on' | 'off' | 'pack';
  thinking_control?: ThinkingControl;
  thinking_max_tokens?: number;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  sampling_from_server?: boolean;
  /** Fixed per-scenario budget in seconds (no decode-speed probe). */
  timeout_per_case?: number;
  /** Send scenarios streamed: the saved per-scenario body is then the SSE text. Default false. */
  stream?: boolean;
  /** Directory of built-in packs (tests). */
  pack_dir?: string;
}

const KEYS: Record<keyof QualitySuiteConfig, string> = {
  mode: 'quick | medium | full',
  packs: 'an array of pack ids',
  pack_files: 'an array of file paths',
  suite: `one of ${SUITES.join(', ')}`,
  scenarios: 'an array of scenario ids',
  repeat: 'a positive integer',
  concurrency: 'a positive integer',
  thinking: 'on | off | pack',
  thinking_control: 'enable_thinking | reasoning_effort',
  thinking_max_tokens: 'a positive integer',
  temperature: 'a number',
  top_p: 'a number',
  top_k: 'an integer',
  sampling_from_server: 'true or false',
  timeout_per_case: 'a positive number of seconds',
  stream: 'true or false',
  pack_dir: 'a directory path',
};

export function checkQualitySuiteConfig(raw: unknown): QualitySuiteConfig {
  const c = (raw ?? {}) as Record<string, unknown>;
  if (typeof c !== 'object' || Array.isArray(c)) throw new ConfigError('quality suite config: expected an object');
  const bad = (k: string): never => {
    throw new ConfigError(`quality suite config: ${k}: expected ${KEYS[k as keyof QualitySuiteConfig] ?? 'no such key'}, got ${JSON.stringify(c[k])}`);
  };
  for (const k of Object.keys(c)) if (!(k in KEYS)) throw new ConfigError(`quality suite config: unknown key "${k}" (known: ${Object.keys(KEYS).join(', ')})`);
  const strings = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
  const posInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
  if (c.mode !== undefined && !(typeof c.mode === 'string' && c.mode in MODES)) bad('mode');
  for (const k of ['packs', 'pack_files', 'scenarios']) if (c[k] !== undefined && !strings(c[k])) bad(k);
  if (c.suite !== undefined && !(SUITES as readonly unknown[]).includes(c.suite)) bad('suite');
  for (const k of ['repeat', 'concurrency', 'thinking_max_tokens']) if (c[k] !== undefined && !posInt(c[k])) bad(k);
  if (c.thinking !== undefined && !['on', 'off', 'pack'].includes(c.thinking as string)) bad('thinking');
  if (c.thinking_control !== undefined && !['enable_thinking', 'reasoning_effort'].includes(c.thinking_control as string)) bad('thinking_control');
  for (const k of ['temperature', 'top_p']) if (c[k] !== undefined && typeof c[k] !== 'number') bad(k);
  if (c.top_k !== undefined && !Number.isInteger(c.top_k)) bad('top_k');
  for (const k of ['sampling_from_server', 'stream']) if (c[k] !== undefined && typeof c[k] !== 'boolean') bad(k);
  if (c.sampling_from_server && (c.temperature !== undefined || c.top_p !== undefined || c.top_k !== undefined)) {
    throw new ConfigError('quality suite config: sampling_from_server cannot be combined with temperature/top_p/top_k');
  }
  if (c.timeout_per_case !== undefined && !(typeof c.timeout_per_case === 'number' && c.timeout_per_case > 0)) bad('timeout_per_case');
  if (c.pack_dir !== undefined && typeof c.pack_dir !== 'string') bad('pack_dir');
  return c as QualitySuiteConfig;
}

export const runQualitySuite: SuiteRunner<QualitySuiteConfig> = async (context): Promise<SuiteOutcome> => {
  const config = checkQualitySuiteConfig(context.config);
  const ids = config.packs ?? (config.pack_files?.length ? [] : [...MODES[config.mode ?? 'medium']]);
  let packs = await resolvePacks(ids, config.pack_files ?? [], config.pack_dir ?? BUILTIN_PACK_DIR);
  if (config.suite) packs = packs.filter((p) => suiteForPack(p.meta) === config.suite);
  if (packs.length === 0) {
    return { results: [], errors: [], skipped: { reason: `no selected quality pack publishes under suite ${config.suite}; choose packs or a suite that matches` } };
  }
  const overrides: Record<string, number> = {};
  if (config.temperature !== undefined) overrides.temperature = config.temperature;
  if (config.top_p !== undefined) overrides.top_p = config.top_p;
  if (config.top_k !== undefined) overrides.top_k = config.top_k;
  const result = await runQuality(
    {
      endpoint: context.endpoint,
      model: context.model,
      packs,
      mode: config.packs || config.pack_files ? 'custom' : (config.mode ?? 'medium'),
      scenarios: config.scenarios ?? [],
      repeat: config.repeat ?? 1,
      concurrency: config.concurrency ?? 1,
      sampling: {
        ...(config.thinking === 'on' ? { thinking: true } : config.thinking === 'off' ? { thinking: false } : {}),
        thinkingControl: config.thinking_control ?? 'enable_thinking',
        thinkingMaxTokens: config.thinking_max_tokens ?? 16384,
        overrides,
        fromServer: config.sampling_from_server ?? false,
      },
      ...(config.timeout_per_case !== undefined ? { timeoutPerCaseSeconds: config.timeout_per_case } : {}),
      failOnUnreachable: true,
      ...(config.stream ? { stream: true } : {}),
    },
    { journal: context.journal, signal: context.signal, onProgress: context.onProgress },
  );
  // The full result (requests, responses, verdicts) stays beside the run for inspection and rescoring.
  await mkdir(context.workDir, { recursive: true });
  await writeFile(join(context.workDir, 'quality-result.json'), `${JSON.stringify(result, null, 2)}\n`);
  const results = result.packs.flatMap((p) => packResults(p, result));
  return { results, ...genKwargsOf(packs.map((p) => p.meta.sampling_defaults ?? {}), result.canonical ?? false), errors: result.warnings };
};

/** gen_kwargs only when every pack sent the same canonical sampling (otherwise the tags say what ran). */
function genKwargsOf(samplings: Array<Record<string, unknown>>, canonical: boolean): { genKwargs?: GenKwargs } {
  if (!canonical || samplings.length === 0) return {};
  const first = samplings[0]!;
  const same = (k: string) => samplings.every((s) => s[k] === first[k]);
  const g: GenKwargs = {};
  if (typeof first.temperature === 'number' && same('temperature')) g.temperature = first.temperature;
  if (typeof first.top_p === 'number' && same('top_p')) g.top_p = first.top_p;
  if (typeof first.max_tokens === 'number' && same('max_tokens')) g.max_gen_toks = first.max_tokens;
  return Object.keys(g).length ? { genKwargs: g } : {};
}
