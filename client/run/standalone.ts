// `nightshift run`: one native suite standalone against any OpenAI-compatible endpoint, written as one
// validated envelope (trigger "local"). The suite is the catalog's — the same runner a sweep runs — with
// the command's flags merged over its config file; progress goes to a bar on stderr and `--journal` lets
// an interrupted run resume. The model server's memory is read before and after the suite and its peak
// tracked while it runs, when its process can be found on this host; when not, the envelope's errors say why.
// A run whose every request failed throws (nothing written); a run in which some cells produced nothing
// writes its envelope and returns `incomplete`, which the command turns into exit code 5.
// Order matters: everything that can be refused without the server (flags, config, the output path) is
// checked first; then the model is made ready (loaded through llama-swap, or its id checked against a plain
// server's /v1/models) before the speed probe, so a cold load is recorded as `model_load`, not measured.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Envelope, SystemInfo } from '../../workflows/shared/envelope.js';
import { modelSlug } from '../../workflows/shared/slug.js';
import { loadWithSpec } from '../../activities/config/config-spec.js';
import { readModelFacts } from '../../activities/endpoint/model-facts.js';
import { LLAMA_SWAP_API_KEY_ENV } from '../../activities/endpoint/llama-swap.js';
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
import { checkOutputFile } from '../../activities/files/output-path.js';
import { isGitSha, nightshiftSha, UNKNOWN_GIT_SHA } from '../../activities/system/git-sha.js';
import { durationEstimate } from './duration-estimate.js';
import { prepareModel } from './model-ready.js';
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
  /** The model's quantization as the user knows it; wins over what the server or the model's name says. */
  quantization?: string;
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
  /** Lines for the person, not the envelope (the CLI prints them on stderr): e.g. no git_sha known. */
  onNote?: (line: string) => void;
  /** Bound on making the model ready (a llama-swap load); default that of ensureModelReady, 10 minutes. */
  loadTimeoutMs?: number;
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
  if (options.gitSha !== undefined && !isGitSha(options.gitSha)) throw new InputError(`--git-sha must be 7 to 64 hex digits, got "${options.gitSha}"`);
  const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const path = resolve(options.out ?? `${suite}-${modelSlug(options.model)}-${timestamp.replace(/[-:]/g, '')}.json`);
  // A path that cannot be written would lose a whole run's results at the end (or hang on procfs).
  await checkOutputFile(path, options.out !== undefined ? '--out' : 'the default output file (set --out)');
  if (options.journal !== undefined) await checkOutputFile(options.journal, '--journal');
  const target = memoryTargetOption(options);
  // git_sha is Nightshift's own commit (its suites are the benchmark definitions), never the directory the
  // command is run in; an install without its own git metadata records the placeholder, as sweeps do.
  const gitSha = options.gitSha ?? (await nightshiftSha()) ?? UNKNOWN_GIT_SHA;
  if (options.gitSha === undefined && gitSha === UNKNOWN_GIT_SHA) {
    options.onNote?.(`this Nightshift install has no git metadata of its own; git_sha recorded as ${UNKNOWN_GIT_SHA} (pass --git-sha SHA to record one)`);
  }
  const system = options.system ?? (await detectSystem({ runner: options.runner }));
  const prepared = await prepareModel(options.endpoint, options.model, { ...(options.signal ? { signal: options.signal } : {}), ...(options.loadTimeoutMs ? { timeoutMs: options.loadTimeoutMs } : {}) });
  for (const line of [...prepared.notes, ...prepared.errors]) options.onNote?.(line);
  // Read once the model is loaded, as a sweep's warm-up does: quantization and the server's settings
  // (slots, context per slot, build) that change what the figures mean.
  const facts = await readModelFacts(options.endpoint, options.model, { ...(options.quantization ? { explicit: options.quantization } : {}), ...(process.env[LLAMA_SWAP_API_KEY_ENV] ? { apiKey: process.env[LLAMA_SWAP_API_KEY_ENV] } : {}), ...(options.signal ? { signal: options.signal } : {}) });
  if (!prepared.ready.alreadyLoaded) options.onNote?.(`loaded "${options.model}" through llama-swap in ${prepared.result.value} s (recorded as model_load)`);
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
  const measured = peak === undefined ? outcome.results : outcome.results.map((r) => ({ ...r, peak_rss_mb: peak, tags: { ...r.tags, memory_target: memory?.targetLabel ?? '' } }));
  const envelope = buildEnvelope(
    { suite, model: options.model, timestamp, gitSha: gitSha.toLowerCase(), trigger: 'local', system, memory: memory?.snapshots ?? [], ...(facts.quantization ? { quantization: facts.quantization.value } : {}), tags: facts.serverTags },
    { ...outcome, results: [...measured, prepared.result], errors: [...prepared.errors, ...outcome.errors, ...(memory?.errors ?? [])] },
  );
  const checked = validateEnvelope(envelope);
  if (!checked.valid) throw new SchemaError(`the ${suite} envelope is invalid; nothing written:\n${formatIssues(checked.issues).join('\n')}`, checked.issues);
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
