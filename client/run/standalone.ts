// `nightshift run`: one native suite standalone against any OpenAI-compatible endpoint, written as one
// validated envelope (trigger "local"). The suite is the catalog's — the same runner a sweep runs — with
// the command's flags merged over its config file; progress goes to a bar on stderr and `--journal` lets
// an interrupted run resume. The model server's memory is read before and after the suite and its peak
// tracked while it runs, when its process can be found on this host; when not, the envelope's errors say why.
// A run whose every request failed throws (nothing written); a run in which some cells produced nothing
// writes its envelope and returns `incomplete`, which the command turns into exit code 5.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Envelope, SystemInfo } from '../../workflows/shared/envelope.js';
import { modelSlug } from '../../workflows/shared/slug.js';
import { loadWithSpec } from '../../activities/config/config-spec.js';
import { resolveBaseUrl } from '../../activities/endpoint/openai-client.js';
import { buildEnvelope } from '../../activities/envelope/build.js';
import { formatIssues, validateEnvelope } from '../../activities/envelope/validate.js';
import { InputError, SchemaError } from '../../activities/errors.js';
import { memoryJournal, openJournal, type Journal } from '../../activities/journal/journal.js';
import { watchServerMemory, type MemoryReadings, type MemoryTarget } from '../../activities/memory/index.js';
import { findDeclaration, type SuiteDeclaration } from '../../activities/suites/catalog.js';
import type { PerfConfig, PerfSuiteName } from '../../activities/suites/perf/config.js';
import { runDeclared } from '../../activities/suites/run-declared.js';
import { CONFIGS_DIR } from '../../activities/suites/suite-config.js';
import { detectSystem } from '../../activities/system/detect.js';
import { isGitSha, nightshiftSha } from '../../activities/system/git-sha.js';
import { durationEstimate } from './duration-estimate.js';
import { progressBar } from './progress-bar.js';

/** The suites `nightshift run` runs: Nightshift's own load generator. */
export const RUNNABLE_SUITES: readonly PerfSuiteName[] = ['throughput', 'ttft'];

export interface RunOptions {
  endpoint: string;
  model: string;
  /** A config file instead of the suite's configs/nightshift/<suite>.toml. */
  config?: string;
  out?: string;
  gitSha?: string;
  journal?: string;
  promptTokens?: number[];
  concurrency?: number[];
  maxTokens?: number;
  repeats?: number;
  runner?: string;
  /** The model server's process for memory readings (default: found from the endpoint). */
  serverPid?: number;
  serverProcess?: string;
  /** false: no memory readings at all (CLI --no-memory). */
  memory?: boolean;
  /** Time between peak-RSS samples; default 1000 ms. */
  memoryIntervalMs?: number;
  progress?: boolean;
  /** Probe the server's speed first and hand the duration estimate to this (the CLI prints it on stderr). */
  onEstimate?: (line: string) => void;
  /** For tests: a system block instead of detecting the host. */
  system?: SystemInfo;
  signal?: AbortSignal;
}

function nativeDeclaration(suite: PerfSuiteName): SuiteDeclaration {
  const declaration = findDeclaration(suite, 'nightshift');
  if (!declaration) throw new InputError(`no native runner for suite "${suite}"`);
  return declaration;
}

/** The suite's config file (or --config) with the command's flags merged over it. */
export async function resolveRunConfig(suite: PerfSuiteName, options: RunOptions): Promise<PerfConfig> {
  const declaration = nativeDeclaration(suite);
  const flags: Partial<PerfConfig> = {
    ...(options.promptTokens ? { prompt_tokens: options.promptTokens } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.maxTokens !== undefined ? { max_tokens: options.maxTokens } : {}),
    ...(options.repeats !== undefined ? { repeats: options.repeats } : {}),
  };
  const file = options.config ?? join(CONFIGS_DIR, declaration.configFile);
  return (await loadWithSpec(await declaration.config(), file, { overrides: flags, overridesSource: 'command-line flags' })) as PerfConfig;
}

export interface StandaloneRun {
  envelope: Envelope;
  path: string;
  /** Set when some cells produced no measurement (the envelope holds what was measured). */
  incomplete?: { reason: string };
}

/** Runs the suite and writes the envelope; returns both. Throws SchemaError (nothing written) if invalid. */
export async function runStandalone(suite: PerfSuiteName, options: RunOptions): Promise<StandaloneRun> {
  resolveBaseUrl(options.endpoint); // a malformed --endpoint fails here, before any slow work
  const declaration = nativeDeclaration(suite);
  const config = await resolveRunConfig(suite, options);
  const gitSha = options.gitSha ?? (await nightshiftSha());
  if (gitSha === undefined) throw new InputError('this Nightshift install has no git metadata to record as git_sha; pass --git-sha SHA');
  if (!isGitSha(gitSha)) throw new InputError(`--git-sha must be 7 to 64 hex digits, got "${gitSha}"`);
  const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const system = options.system ?? (await detectSystem({ runner: options.runner }));
  const target = memoryTargetOption(options);
  if (options.onEstimate) options.onEstimate(await durationEstimate(options.endpoint, options.model, config, options.signal));
  const journal: Journal = options.journal ? await openJournal(options.journal) : memoryJournal();
  const bar = progressBar(options.progress !== false && process.stderr.isTTY);
  const ref = { endpoint: options.endpoint, model: options.model };
  const watch =
    options.memory === false
      ? undefined
      : await watchServerMemory(ref, { ...(target ? { target } : {}), ...(options.memoryIntervalMs ? { intervalMs: options.memoryIntervalMs } : {}), hint: '--server-pid/--server-process name a local server process' });
  let outcome;
  let memory: MemoryReadings | undefined;
  try {
    outcome = await runDeclared(declaration, {
      suite,
      ...ref,
      config,
      signal: options.signal ?? new AbortController().signal,
      onProgress: (p) => {
        bar.update(p);
        watch?.progress();
      },
      journal,
      workDir: process.cwd(),
    });
  } finally {
    bar.stop();
    memory = await watch?.stop();
    await journal.close();
  }
  const peak = memory?.peakRssMb;
  const results = peak === undefined ? outcome.results : outcome.results.map((r) => ({ ...r, peak_rss_mb: peak, tags: { ...r.tags, memory_target: memory?.targetLabel ?? '' } }));
  const envelope = buildEnvelope(
    { suite, model: options.model, timestamp, gitSha: gitSha.toLowerCase(), trigger: 'local', system, memory: memory?.snapshots ?? [] },
    { ...outcome, results, errors: [...outcome.errors, ...(memory?.errors ?? [])] },
  );
  const checked = validateEnvelope(envelope);
  if (!checked.valid) throw new SchemaError(`the ${suite} envelope is invalid; nothing written:\n${formatIssues(checked.issues).join('\n')}`, checked.issues);
  const path = resolve(options.out ?? `${suite}-${modelSlug(options.model)}-${timestamp.replace(/[-:]/g, '')}.json`);
  // Written to a temporary name and renamed: a reader never sees half an envelope.
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(envelope, null, 2)}\n`);
  await rename(tmp, path);
  return { envelope, path, ...(outcome.incomplete ? { incomplete: outcome.incomplete } : {}) };
}

function memoryTargetOption(options: RunOptions): MemoryTarget | undefined {
  if (options.serverPid !== undefined && options.serverProcess !== undefined) {
    throw new InputError('give either --server-pid or --server-process, not both');
  }
  if (options.serverPid !== undefined) {
    if (!Number.isInteger(options.serverPid) || options.serverPid < 1) throw new InputError(`--server-pid expects a positive integer, got "${options.serverPid}"`);
    return { pid: options.serverPid };
  }
  if (options.serverProcess !== undefined) {
    if (!options.serverProcess.trim()) throw new InputError('--server-process expects a process name, e.g. llama-server');
    return { processName: options.serverProcess };
  }
  return undefined;
}
