// `nightshift run throughput|ttft --endpoint URL --model M [--config FILE] [--out FILE]`: runs a native
// suite standalone against any OpenAI-compatible endpoint and writes one validated envelope (trigger
// "local"). The same suite functions run inside sweeps as activities; here progress goes to a bar on
// stderr and the journal (with --journal) lets an interrupted run resume where it stopped. The model
// server's memory is read before and after the suite and its peak tracked while it runs, when its
// process can be found on this host; when it cannot, the envelope's errors say why.
// Exit codes: 0 ok, 1 the suite failed (endpoint unreachable, cancelled …), 2 bad arguments or config,
// 3 the envelope would be invalid (nothing written).
import { execFile } from 'node:child_process';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Argument, Option, type Command } from 'commander';
import cliProgress from 'cli-progress';
import Table from 'cli-table3';
import type { Envelope, MemorySnapshot, SystemInfo } from '../../activities/envelope/types.js';
import { formatIssues, validateEnvelope } from '../../activities/envelope/validate.js';
import { resolveBaseUrl } from '../../activities/endpoint/openai-client.js';
import { InputError, SchemaError } from '../../activities/errors.js';
import { memoryJournal, openJournal, type Journal } from '../../activities/journal/journal.js';
import { autoMemoryTarget, memorySnapshot, PeakRssSampler, resolveTarget, type MemoryTarget, type ModelEndpointRef } from '../../activities/memory/index.js';
import { pidsListeningOn } from '../../activities/memory/ports.js';
import { detectSystem } from '../../activities/system/detect.js';
import { modelSlug } from '../../workflows/slug.js';
import { loadPerfConfig, perfConfigFrom, type PerfConfig, type PerfSuiteName } from '../../activities/suites/perf/config.js';
import type { CellSummary } from '../../activities/suites/perf/cell.js';
import { throughputSuite } from '../../activities/suites/perf/throughput.js';
import { ttftSuite } from '../../activities/suites/perf/ttft.js';
import type { SuiteProgress, SuiteRunner } from '../../activities/suites/types.js';

const RUNNERS: Record<PerfSuiteName, SuiteRunner<unknown>> = { throughput: throughputSuite, ttft: ttftSuite };
const configsDir = fileURLToPath(new URL('../../configs/nightshift/', import.meta.url));

export interface RunCommandOptions {
  endpoint: string;
  model: string;
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
  json?: boolean;
  /** For tests: a system block instead of detecting the host. */
  system?: SystemInfo;
  signal?: AbortSignal;
}

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run a native benchmark suite (throughput, ttft) against an OpenAI-compatible endpoint and write its envelope')
    .addArgument(new Argument('<suite>', 'suite to run').choices(Object.keys(RUNNERS)))
    .requiredOption('--endpoint <url>', 'OpenAI-compatible base URL, e.g. http://127.0.0.1:11434 (with or without /v1)')
    .requiredOption('--model <id>', 'model id as the endpoint serves it')
    .option('--config <file>', 'suite config (TOML); default configs/nightshift/<suite>.toml')
    .option('--out <file>', 'envelope file to write; default <suite>-<model>-<timestamp>.json in the current directory')
    .option('--git-sha <sha>', 'commit of the benchmark definitions (default: git rev-parse HEAD here)')
    .option('--journal <file>', 'journal finished cells here; rerunning with the same file resumes')
    .option('--prompt-tokens <list>', 'override prompt_tokens, e.g. 128,512', intList('--prompt-tokens'))
    .option('--concurrency <list>', 'override concurrency levels, e.g. 1,4,16', intList('--concurrency'))
    .option('--max-tokens <n>', 'override max_tokens', intList('--max-tokens', true))
    .option('--repeats <n>', 'override repeats', intList('--repeats', true))
    .option('--runner <label>', 'recorded as system.runner')
    .option('--server-pid <pid>', "the model server's process id, for memory readings (default: found from the endpoint)", intList('--server-pid', true))
    .option('--server-process <name>', "the model server's process name (e.g. llama-server, mlx_lm.server), for memory readings")
    .addOption(new Option('--no-memory', "take no memory readings of the model server"))
    .addOption(new Option('--no-progress', 'no progress bar on stderr'))
    .option('--json', 'print the envelope to stdout instead of the summary table')
    .action(async (suite: PerfSuiteName, options: RunCommandOptions) => {
      const controller = new AbortController();
      const onSigint = (): void => controller.abort();
      process.once('SIGINT', onSigint);
      try {
        const { envelope, path } = await runStandalone(suite, { ...options, signal: controller.signal });
        if (options.json) process.stdout.write(`${JSON.stringify(envelope, null, 2)}\n`);
        else process.stdout.write(`${summaryTable(envelope)}\n${envelope.errors?.length ? `${envelope.errors.map((e) => `! ${e}`).join('\n')}\n` : ''}wrote ${path}\n`);
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}

function intList(flag: string, single = false) {
  return (value: string): number[] & number => {
    const parts = value.split(',').map((s) => s.trim());
    const nums = parts.map(Number);
    if (parts.length === 0 || nums.some((n) => !Number.isInteger(n) || n < 1) || (single && nums.length !== 1)) {
      throw new InputError(`${flag} expects ${single ? 'a positive integer' : 'comma-separated positive integers'}, got "${value}"`);
    }
    return (single ? nums[0] : nums) as number[] & number;
  };
}

export async function resolveConfig(suite: PerfSuiteName, options: RunCommandOptions): Promise<PerfConfig> {
  const base = await loadPerfConfig(suite, options.config ?? `${configsDir}${suite}.toml`);
  const overrides: Partial<PerfConfig> = {
    ...(options.promptTokens ? { prompt_tokens: options.promptTokens } : {}),
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.maxTokens !== undefined ? { max_tokens: options.maxTokens } : {}),
    ...(options.repeats !== undefined ? { repeats: options.repeats } : {}),
  };
  return perfConfigFrom(suite, { ...base, ...overrides }, options.config ?? `configs/nightshift/${suite}.toml with flags`);
}

/** Runs the suite and writes the envelope; returns both. Throws SchemaError (nothing written) if invalid. */
export async function runStandalone(suite: PerfSuiteName, options: RunCommandOptions): Promise<{ envelope: Envelope; path: string }> {
  resolveBaseUrl(options.endpoint); // a malformed --endpoint fails here, before any slow work
  const config = await resolveConfig(suite, options);
  const gitSha = options.gitSha ?? (await headSha());
  if (!/^[0-9a-fA-F]{7,64}$/.test(gitSha)) throw new InputError(`--git-sha must be 7 to 64 hex digits, got "${gitSha}"`);
  const startedAt = new Date();
  const timestamp = startedAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const system = options.system ?? (await detectSystem({ runner: options.runner }));
  const chosenTarget = memoryTargetOption(options);
  const journal: Journal = options.journal ? await openJournal(options.journal) : memoryJournal();
  const bar = progressBar(options.progress !== false && process.stderr.isTTY === true);
  let outcome;
  let memory: MemoryReadings | undefined;
  const watch = options.memory === false ? undefined : await watchServerMemory({ endpoint: options.endpoint, model: options.model }, chosenTarget, options.memoryIntervalMs);
  try {
    outcome = await RUNNERS[suite]({
      endpoint: options.endpoint,
      model: options.model,
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
  if (memory?.peakRssMb !== undefined) {
    for (const r of outcome.results) {
      r.peak_rss_mb = memory.peakRssMb;
      r.tags = { ...r.tags, memory_target: memory.targetLabel };
    }
  }
  const envelope: Envelope = {
    schema_version: '1',
    timestamp,
    git_sha: gitSha.toLowerCase(),
    trigger: 'local',
    suite,
    model: options.model,
    system,
    results: outcome.results,
    errors: [...(outcome.errors ?? []), ...(memory?.errors ?? [])],
  };
  if (memory?.snapshots.length) envelope.memory_snapshots = memory.snapshots;
  if (outcome.genKwargs) envelope.gen_kwargs = outcome.genKwargs;
  if (outcome.seed !== undefined) envelope.seed = outcome.seed;
  const checked = validateEnvelope(envelope);
  if (!checked.valid) throw new SchemaError(`the ${suite} envelope is invalid; nothing written:\n${formatIssues(checked.issues).join('\n')}`, checked.issues);
  const path = resolve(options.out ?? `${suite}-${modelSlug(options.model)}-${timestamp.replace(/[-:]/g, '')}.json`);
  // Written to a temporary name and renamed: a reader never sees half an envelope.
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(envelope, null, 2)}\n`);
  await rename(tmp, path);
  return { envelope, path };
}

function memoryTargetOption(options: RunCommandOptions): MemoryTarget | undefined {
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

export interface MemoryReadings {
  snapshots: MemorySnapshot[];
  /** Highest RSS of the server's process tree while the suite ran, MiB; undefined when never read. */
  peakRssMb: number | undefined;
  /** What was measured ("listener on port 8080", "pid 1234", …), tagged on every result. */
  targetLabel: string;
  /** One line per reason a reading is missing, for the envelope's errors. */
  errors: string[];
}

export interface MemoryWatch {
  /** Called on suite progress: a server that was not running at the start (llama-swap loads on the
   * first request) is looked for again, so its peak is still tracked. */
  progress(): void;
  stop(): Promise<MemoryReadings>;
}

/**
 * Reads the model server's memory around a suite: a "before" snapshot now, the peak RSS while the suite
 * runs, an "after" snapshot at stop(). Never throws for memory: a server on another host, a process that
 * cannot be found or a reading that fails becomes a line in `errors` and the suite runs regardless.
 */
export async function watchServerMemory(ref: ModelEndpointRef, chosen?: MemoryTarget, intervalMs = 1000): Promise<MemoryWatch> {
  const found = chosen ? { target: chosen, label: '' } : await findServer(ref);
  if ('problem' in found) {
    const errors = [`memory: ${found.problem}; ${NOTHING_RECORDED} (--server-pid/--server-process name a local server process)`];
    return { progress: () => undefined, stop: async () => ({ snapshots: [], peakRssMb: undefined, targetLabel: '', errors }) };
  }
  const { target } = found;
  // Each missing reading as [what is missing, why]; a server that was never found at all is reported
  // as one line with its reason rather than one line per phase.
  const missing: Array<[string, string]> = [];
  const snapshots: MemorySnapshot[] = [];
  const snapshot = async (phase: string): Promise<void> => {
    try {
      snapshots.push(await memorySnapshot(phase, target));
    } catch (error) {
      missing.push([`no "${phase}" snapshot`, (error as Error).message]);
    }
  };
  await snapshot('before');
  let sampler: PeakRssSampler | undefined;
  let starting: Promise<void> | undefined;
  let lastTry = 0;
  let startProblem: string | undefined;
  const tryStart = (): Promise<void> => {
    lastTry = performance.now();
    const candidate = new PeakRssSampler(target, { intervalMs });
    return candidate.start().then(
      () => {
        sampler = candidate;
        startProblem = undefined;
      },
      (error: unknown) => {
        startProblem = (error as Error).message;
      },
    );
  };
  await tryStart();
  return {
    progress() {
      if (sampler || starting || performance.now() - lastTry < intervalMs) return;
      starting = tryStart().finally(() => (starting = undefined));
    },
    async stop() {
      await starting;
      const report = sampler ? await sampler.stop() : undefined;
      if (startProblem !== undefined) missing.push(['peak not tracked', startProblem]);
      // The sampler words its problems "memory sampling: <why>", one per distinct problem.
      for (const e of report?.errors ?? []) missing.push(['some peak samples missed', e.replace(/^memory sampling: /, '')]);
      await snapshot('after');
      const peakRssMb = report?.peak_rss_mb;
      if (snapshots.length === 0 && peakRssMb === undefined) {
        const reasons = [...new Set(missing.map(([, why]) => why))];
        return { snapshots, peakRssMb, targetLabel: '', errors: [`memory: model server not read (${reasons.join('; ')}); ${NOTHING_RECORDED}`] };
      }
      // Resolved now rather than at the start: a llama-swap model that loaded during the suite has a process by now.
      const label = found.label || ((await resolveTarget(target).catch(() => undefined))?.label ?? 'the model server');
      return { snapshots, peakRssMb, targetLabel: label, errors: [...new Set(missing.map(([what, why]) => `memory: ${what}: ${why}`))] };
    },
  };
}

const NOTHING_RECORDED = 'no memory_snapshots or peak_rss_mb recorded';

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** The endpoint's server process on this host, or why there is none. */
async function findServer(ref: ModelEndpointRef): Promise<{ target: MemoryTarget; label: string } | { problem: string }> {
  // A server inside this very process (programmatic use, tests) is excluded by the memory module as
  // "the sampler itself": read this process, which then includes the client, and label it so. Checked
  // first, without a request: such a server may not be ready for the llama-swap probe's GET /running.
  const url = new URL(ref.endpoint);
  if (LOOPBACK_HOST.test(url.hostname)) {
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const listeners = await pidsListeningOn([port]).catch(() => [] as number[]);
    if (listeners.includes(process.pid)) return { target: { pid: process.pid }, label: `this process (pid ${process.pid}: the endpoint is served in-process, client included)` };
  }
  try {
    const auto = await autoMemoryTarget(ref);
    return 'problem' in auto ? auto : { target: auto, label: '' };
  } catch (error) {
    return { problem: `could not tell what serves ${ref.endpoint}: ${(error as Error).message}` };
  }
}

async function headSha(): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: process.cwd() });
    return stdout.trim();
  } catch {
    throw new InputError(`--git-sha not given and ${process.cwd()} is not inside a git repository with a commit; pass --git-sha SHA`);
  }
}

function progressBar(enabled: boolean): { update: (p: SuiteProgress) => void; stop: () => void } {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: ' {bar} {value}/{total} requests | {detail}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: (p) => {
      if (!started) {
        bar.start(p.total, p.completed, { detail: p.detail ?? '' });
        started = true;
      } else bar.update(p.completed, { detail: p.detail ?? '' });
    },
    stop: () => started && bar.stop(),
  };
}

/** One row per cell: the figures a person compares first. */
export function summaryTable(envelope: Envelope): string {
  const cells = envelope.results.map((r) => (r.raw as { cell?: CellSummary } | undefined)?.cell).filter((c): c is CellSummary => c !== undefined);
  const f = (x: number | undefined, digits = 1): string => (x === undefined ? '—' : x.toFixed(digits));
  const throughput = envelope.suite === 'throughput';
  const head = ['prompt', 'conc', 'ok/sent', 'TTFT p50 ms', 'TTFT p99 ms', 'prefill tok/s'];
  if (throughput) head.push('decode tok/s', 'ITL p50 ms', 'ITL p99 ms', 'E2E p50 ms', 'output tok/s');
  head.push('lag p99 ms');
  const table = new Table({ head, style: { head: [], border: [] } });
  for (const c of cells) {
    const row = [String(c.prompt_tokens), String(c.concurrency), `${c.succeeded}/${c.requests}`, f(c.ttft_ms?.p50), f(c.ttft_ms?.p99), f(c.prefill_tok_per_sec?.p50, 0)];
    if (throughput) row.push(f(c.decode_tok_per_sec?.p50), f(c.itl_ms?.p50, 2), f(c.itl_ms?.p99, 2), f(c.e2e_ms?.p50), f(c.output_tok_per_sec));
    row.push(f(c.schedule_lag_ms?.p99, 2));
    table.push(row);
  }
  return `${envelope.suite} · ${envelope.model} · ${envelope.timestamp}\n${table.toString()}`;
}
