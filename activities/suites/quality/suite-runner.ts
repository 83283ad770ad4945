// Quality packs as a sweep suite (the SuiteRunner contract): the activity wrapper hands in the
// journal, cancellation and a heartbeat callback; this runs the suite's packs (its catalog entry, by
// mode, or the packs the config names), heartbeats once per scenario, resumes from the journal, and
// returns envelope results. One envelope holds the packs of one suite: a sweep that wants every pack
// lists both quality suites (tool-calling, capability-comparison).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GenKwargs } from '../../../workflows/shared/envelope.js';
import { findDeclaration, suiteForPack } from '../catalog.js';
import type { SuiteOutcome, SuiteRunner } from '../types.js';
import { packResults } from './envelope-results.js';
import { BUILTIN_PACK_DIR, resolvePacks } from './pack-loader.js';
import { PackUnavailableError } from './benchlocal-packs.js';
import type { QualitySuiteConfig } from './suite-config.js';
import { runQuality } from './runner.js';
import { ConfigError } from '../../errors.js';
import { CodeExecutionRefused, CONFIG_WORDING, codeRunner } from '../../sandbox/code-execution.js';
import { executionContext, type ExecutionContext } from './code/execution-context.js';
import { executesCode } from './verifiers/index.js';
import type { Pack } from './pack-types.js';

export const runQualitySuite: SuiteRunner<QualitySuiteConfig> = async (context): Promise<SuiteOutcome> => {
  const { config, suite } = context;
  const custom = config.packs !== undefined || (config.pack_files?.length ?? 0) > 0;
  const ids = config.packs ?? (custom ? [] : suitePacks(suite, config.mode));
  // A pack named explicitly may belong to another suite; this envelope keeps only this suite's.
  let resolved: Pack[];
  try {
    resolved = await resolvePacks(ids, config.pack_files ?? [], config.pack_dir ?? BUILTIN_PACK_DIR);
  } catch (error) {
    // benchlocal-cli's packs without benchlocal-cli: skipped with the install hint, like a missing tool.
    if (error instanceof PackUnavailableError) return { results: [], errors: [], skipped: { reason: error.message } };
    throw error;
  }
  const packs = resolved.filter((p) => suiteForPack(p.meta) === suite);
  if (packs.length === 0) {
    return { results: [], errors: [], skipped: { reason: `no selected quality pack publishes under suite ${suite}; choose packs or a suite that matches` } };
  }
  const execution = await codeExecutionFor(packs, config, context.signal);
  const overrides: Record<string, number> = {};
  if (config.temperature !== undefined) overrides.temperature = config.temperature;
  if (config.top_p !== undefined) overrides.top_p = config.top_p;
  if (config.top_k !== undefined) overrides.top_k = config.top_k;
  const result = await runQuality(
    {
      endpoint: context.endpoint,
      model: context.model,
      packs,
      mode: custom ? 'custom' : config.mode,
      scenarios: config.scenarios ?? [],
      repeat: config.repeat,
      concurrency: config.concurrency,
      sampling: {
        ...(config.thinking === 'on' ? { thinking: true } : config.thinking === 'off' ? { thinking: false } : {}),
        thinkingControl: config.thinking_control,
        thinkingMaxTokens: config.thinking_max_tokens,
        overrides,
        fromServer: config.sampling_from_server,
      },
      ...(config.timeout_per_case !== undefined ? { timeoutPerCaseSeconds: config.timeout_per_case } : {}),
      failOnUnreachable: true,
      ...(config.stream ? { stream: true } : {}),
      ...(execution ? { execution: execution.context } : {}),
    },
    { journal: context.journal, signal: context.signal, onProgress: context.onProgress },
  );
  // The full result (requests, responses, verdicts) stays beside the run for inspection and rescoring.
  await mkdir(context.workDir, { recursive: true });
  await writeFile(join(context.workDir, 'quality-result.json'), `${JSON.stringify(result, null, 2)}\n`);
  const results = result.packs.flatMap((p) => packResults(p, result));
  return { results, ...genKwargsOf(packs.map((p) => p.meta.sampling_defaults ?? {}), result.canonical ?? false), errors: [...(execution?.warnings ?? []), ...result.warnings] };
};

/** The sandbox for packs that run model code; a suite config without the opt-in is a ConfigError (not retried). */
async function codeExecutionFor(packs: Pack[], config: QualitySuiteConfig, signal: AbortSignal): Promise<{ context: ExecutionContext; warnings: string[] } | undefined> {
  const executing = packs.filter((p) => p.scenarios.some(executesCode)).map((p) => p.meta.pack_id);
  if (executing.length === 0) return undefined;
  try {
    const runner = await codeRunner({ allow: config.allow_code_execution, unsafeNoSandbox: config.unsafe_no_sandbox }, executing, CONFIG_WORDING);
    return { context: executionContext(runner.executor, signal), warnings: runner.warnings };
  } catch (error) {
    if (error instanceof CodeExecutionRefused) throw new ConfigError(error.message);
    throw error;
  }
}

/** The suite's own packs that run in `mode` (its catalog entry). */
function suitePacks(suite: string, mode: QualitySuiteConfig['mode']): string[] {
  const packs = findDeclaration(suite, 'nightshift')?.packs ?? {};
  return Object.entries(packs).filter(([, modes]) => modes.includes(mode)).map(([id]) => id);
}

/** gen_kwargs only when every pack sent the same canonical sampling (otherwise the tags say what ran). */
function genKwargsOf(samplings: Array<Record<string, unknown>>, canonical: boolean): { genKwargs?: GenKwargs } {
  const [first] = samplings;
  if (!canonical || first === undefined) return {};
  const same = (k: string) => samplings.every((s) => s[k] === first[k]);
  const g: GenKwargs = {};
  if (typeof first.temperature === 'number' && same('temperature')) g.temperature = first.temperature;
  if (typeof first.top_p === 'number' && same('top_p')) g.top_p = first.top_p;
  if (typeof first.max_tokens === 'number' && same('max_tokens')) g.max_gen_toks = first.max_tokens;
  return Object.keys(g).length ? { genKwargs: g } : {};
}
