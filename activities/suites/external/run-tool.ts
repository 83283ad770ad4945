// Runs one external tool (lm-eval, vllm bench, benchlocal-cli) for a suite: in its own process group,
// with the environment the caller built, output appended to a per-run log file and handed line by line
// to the caller (for progress), the whole group killed on abort, timeout or exit of this process, and
// registered in the pid-file registry so a worker that died hard has its orphans reaped at next start.
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { NightshiftError } from '../../errors.js';
import { commandOf, defaultRegistryDir, killGroup, liveGroups, reapOrphans, registerGroup, unregisterGroup } from './process-registry.js';
import { LineSplitter, parseTqdmLine } from './tqdm-progress.js';

export interface RunToolOptions {
  /** Short name for messages, e.g. "lm-eval". */
  tool: string;
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Appended to (a retried attempt adds to the same log, after a header line). */
  logPath: string;
  signal?: AbortSignal;
  /** Wall-clock limit for the whole run; the group is killed when it passes. */
  timeoutMs?: number;
  /** Between SIGTERM and SIGKILL when stopping the group. */
  killGraceMs?: number;
  /** Every output line (stdout and stderr; '\r'-rewritten progress states count as lines). */
  onLine?: (line: string) => void;
  registryDir?: string;
  /** How many trailing log lines a failure message carries. */
  tailLines?: number;
}

export interface RunToolResult {
  exitCode: number;
  durationMs: number;
  logPath: string;
}

/** The tool ran and failed (non-zero exit, killed by a signal, or timed out). */
export class ExternalToolError extends NightshiftError {
  constructor(
    message: string,
    readonly tool: string,
    readonly logPath: string,
    readonly logTail: string[],
    readonly toolExitCode: number | null,
  ) {
    super(message);
  }
}

let exitHookInstalled = false;
/** A worker that exits (normally or via an uncaught error) takes its tools' groups with it. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
  });
}

export async function runTool(options: RunToolOptions): Promise<RunToolResult> {
  const registryDir = options.registryDir ?? defaultRegistryDir();
  const tailSize = options.tailLines ?? 30;
  const graceMs = options.killGraceMs ?? 5_000;
  options.signal?.throwIfAborted();
  installExitHook();

  // The worker reaps at start; reaping here too means a retried attempt never shares the model server
  // with the still-running tool of a worker that died (only groups whose owner is gone are touched).
  const reaped = reapOrphans(registryDir).killed;

  mkdirSync(dirname(options.logPath), { recursive: true });
  const log = createWriteStream(options.logPath, { flags: 'a' });
  for (const orphan of reaped) {
    log.write(`\n=== killed orphan process group ${orphan.pgid} (${orphan.command}) left by dead worker pid ${orphan.ownerPid}\n`);
  }
  log.write(`\n=== ${new Date().toISOString()} ${options.command} ${options.args.join(' ')}\n`);
  const started = Date.now();

  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true, // own process group (setsid): one kill reaches every process the tool starts
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  const tail: string[] = [];
  const splitter = { out: new LineSplitter(), err: new LineSplitter() };
  const take = (lines: string[]): void => {
    for (const line of lines) {
      // Progress-bar states would push the error message out of the tail; they stay in the log.
      if (!parseTqdmLine(line)) {
        tail.push(line);
        if (tail.length > tailSize) tail.shift();
      }
      options.onLine?.(line);
    }
  };
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    log.write(chunk);
    take(splitter.out.push(chunk));
  });
  child.stderr.on('data', (chunk: string) => {
    log.write(chunk);
    take(splitter.err.push(chunk));
  });

  const spawned = await new Promise<boolean>((resolve, reject) => {
    child.once('spawn', () => resolve(true));
    child.once('error', (error) => {
      log.end();
      reject(
        new ExternalToolError(
          `${options.tool}: could not start ${options.command}: ${error.message}`,
          options.tool,
          options.logPath,
          [],
          null,
        ),
      );
    });
  });
  const pgid = child.pid;
  if (!spawned || pgid === undefined) throw new Error('unreachable: spawned without pid');
  registerGroup(registryDir, {
    pgid,
    ownerPid: process.pid,
    command: commandOf(pgid) ?? [options.command, ...options.args].join(' '),
    startedAt: new Date(started).toISOString(),
    logPath: options.logPath,
  });

  let stopReason: 'abort' | 'timeout' | undefined;
  let forceTimer: NodeJS.Timeout | undefined;
  const stop = (why: 'abort' | 'timeout'): void => {
    if (stopReason) return;
    stopReason = why;
    killGroup(pgid, 'SIGTERM');
    forceTimer = setTimeout(() => killGroup(pgid, 'SIGKILL'), graceMs);
  };
  const onAbort = (): void => stop('abort');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const timeout = options.timeoutMs ? setTimeout(() => stop('timeout'), options.timeoutMs) : undefined;

  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.once('close', (c, s) => resolve([c, s]));
  });
  options.signal?.removeEventListener('abort', onAbort);
  if (timeout) clearTimeout(timeout);
  if (forceTimer) clearTimeout(forceTimer);
  // The leader is gone; anything it left in its group goes too, then the registry entry.
  killGroup(pgid, 'SIGKILL');
  unregisterGroup(registryDir, pgid);
  take([...splitter.out.flush(), ...splitter.err.flush()]);
  await new Promise<void>((resolve) => log.end(resolve));

  const durationMs = Date.now() - started;
  if (stopReason === 'abort') {
    throw options.signal?.reason ?? new Error(`${options.tool} aborted`);
  }
  const tailText = tail.length ? `\n--- last lines of ${options.logPath} ---\n${tail.join('\n')}` : '';
  if (stopReason === 'timeout') {
    throw new ExternalToolError(
      `${options.tool} exceeded its timeout of ${Math.round((options.timeoutMs ?? 0) / 1000)} s and was killed${tailText}`,
      options.tool,
      options.logPath,
      tail,
      code,
    );
  }
  if (code !== 0) {
    const how = code === null ? `was killed by ${signal ?? 'a signal'}` : `exited with code ${code}`;
    throw new ExternalToolError(`${options.tool} ${how}${tailText}`, options.tool, options.logPath, tail, code);
  }
  return { exitCode: 0, durationMs, logPath: options.logPath };
}

/** What a tool suite tells `runSuiteTool`; the rest comes from its suite context. */
export interface SuiteToolRun {
  tool: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Log file name inside the suite's work dir. */
  logName: string;
  timeoutMinutes: number;
  /** Default: the suite's work dir. */
  cwd?: string;
  onLine?: (line: string) => void;
}

/** runTool for a suite: log in its work dir, its cancellation, its time limit, its orphan registry. */
export function runSuiteTool(context: { workDir: string; signal: AbortSignal }, registryDir: string | undefined, run: SuiteToolRun): Promise<RunToolResult> {
  return runTool({
    tool: run.tool,
    command: run.command,
    args: run.args,
    cwd: run.cwd ?? context.workDir,
    env: run.env,
    logPath: join(context.workDir, run.logName),
    signal: context.signal,
    timeoutMs: run.timeoutMinutes * 60_000,
    ...(registryDir ? { registryDir } : {}),
    ...(run.onLine ? { onLine: run.onLine } : {}),
  });
}
