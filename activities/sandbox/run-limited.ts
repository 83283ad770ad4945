// Runs one sandbox command line as its own process group and turns how it ended into a verdict. The
// limits the kernel cannot watch are watched here: the wall-clock deadline, the work directory's quota,
// and (where rlimits do not hold memory: macOS, the unsafe mode) the process tree's resident memory.
// At any of them, and on cancellation, the whole group is killed at once with SIGKILL: a program that
// ignores signals or forks cannot outlive its verdict.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { processTree } from '../memory/parse.js';
import { readProcessTable, withRss } from '../memory/processes.js';
import type { SandboxLimits, SandboxResult, SandboxVerdict } from './types.js';
import { workdirUsage } from './workdir.js';

const POLL_MS = 200;
const MAX_WORKDIR_ENTRIES = 20_000;

export interface LimitedRun {
  argv: string[];
  env: Record<string, string>;
  cwd?: string;
  stdin?: string;
  limits: SandboxLimits;
  /** Host work directory whose size is checked against the quota while the command runs. */
  workdir: string;
  /** Poll the tree's RSS against limits.memoryMiB (no kernel memory limit applies). */
  watchMemory?: boolean;
  /** bubblewrap: the seccomp program it reads from fd 3, and its status reports on fd 4. */
  seccomp?: Buffer;
  /** The exit code reports a signal as 128 + N (bubblewrap does; a direct child reports the signal). */
  signalAsExitCode?: boolean;
  signal?: AbortSignal;
}

/** The sandbox itself could not be set up (not the program's fault): bubblewrap refused before starting it. */
export class SandboxSetupError extends Error {}

class CappedText {
  private chunks: Buffer[] = [];
  private kept = 0;
  truncated = false;
  constructor(private readonly cap: number) {}
  push(chunk: Buffer): void {
    const room = this.cap - this.kept;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    if (chunk.length > room) this.truncated = true;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(part);
    this.kept += part.length;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

const signalName = (n: number): string | undefined => Object.entries(constants.signals).find(([, v]) => v === n)?.[0];

export function runLimited(run: LimitedRun): Promise<SandboxResult> {
  const started = performance.now();
  const stdout = new CappedText(run.limits.outputBytes);
  const stderr = new CappedText(run.limits.outputBytes);
  const stdio: Array<'pipe' | 'ignore'> = run.seccomp ? ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe'];
  const [command, ...args] = run.argv;
  const child = spawn(command as string, args, { cwd: run.cwd, env: run.env, stdio, detached: true });
  let stoppedBy: { verdict: SandboxVerdict; detail: string } | undefined;
  let statusText = '';
  const killGroup = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const stop = (verdict: SandboxVerdict, detail: string) => {
    stoppedBy ??= { verdict, detail };
    killGroup();
  };

  child.stdout?.on('data', (c: Buffer) => stdout.push(c));
  child.stderr?.on('data', (c: Buffer) => stderr.push(c));
  if (run.seccomp) {
    const [, , , seccompPipe, statusPipe] = child.stdio as unknown as [unknown, unknown, unknown, NodeJS.WritableStream, NodeJS.ReadableStream];
    // A sandbox that fails before reading its filter resets the pipe; its exit says why.
    seccompPipe.on('error', () => undefined);
    statusPipe.on('error', () => undefined);
    seccompPipe.end(run.seccomp);
    statusPipe.on('data', (c: Buffer) => (statusText += c.toString('utf8')));
  }
  child.stdin?.on('error', () => undefined); // a program that exits without reading its input
  child.stdin?.end(run.stdin ?? '');

  const deadline = setTimeout(() => stop('timeout', `killed at the ${run.limits.wallSeconds} s wall-clock limit`), run.limits.wallSeconds * 1000);
  const quotaBytes = run.limits.workdirQuotaMiB * 1024 * 1024;
  let polling = false;
  const poll = setInterval(() => {
    if (polling) return;
    polling = true;
    void (async () => {
      const usage = await workdirUsage(run.workdir, { bytes: quotaBytes, entries: MAX_WORKDIR_ENTRIES });
      if (usage.bytes > quotaBytes || usage.entries > MAX_WORKDIR_ENTRIES) {
        stop('sandbox_violation', `the work directory went past its quota (${run.limits.workdirQuotaMiB} MiB, ${MAX_WORKDIR_ENTRIES} entries)`);
      }
      if (run.watchMemory && child.pid !== undefined && (await treeRssKb(child.pid)) > run.limits.memoryMiB * 1024) {
        stop('error', `killed: resident memory went past ${run.limits.memoryMiB} MiB`);
      }
    })().finally(() => (polling = false));
  }, POLL_MS);
  const onAbort = () => stop('error', 'cancelled');
  run.signal?.addEventListener('abort', onAbort, { once: true });

  return new Promise((resolve, reject) => {
    child.on('error', (error) => {
      clearTimeout(deadline);
      clearInterval(poll);
      reject(new SandboxSetupError(`cannot start ${command}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(deadline);
      clearInterval(poll);
      run.signal?.removeEventListener('abort', onAbort);
      // Whatever the program left behind in its group goes with it (bubblewrap's pid namespace already
      // took everything inside; this covers the unsafe mode).
      killGroup();
      if (run.signal?.aborted) {
        const reason: unknown = run.signal.reason;
        reject(reason instanceof Error ? reason : new Error('cancelled', { cause: reason }));
        return;
      }
      if (run.seccomp && !statusText.includes('"child-pid"') && !stoppedBy) {
        reject(new SandboxSetupError(`the sandbox did not start the program (exit ${code ?? signal}): ${stderr.text().trim().slice(-600)}`));
        return;
      }
      const signum = signal ? constants.signals[signal] : run.signalAsExitCode && code !== null && code > 128 && code < 128 + 65 ? code - 128 : undefined;
      const ended = stoppedBy ?? classify(code, signum, stderr.text(), run.limits);
      resolve({
        verdict: ended.verdict,
        exitCode: signum === undefined ? code : null,
        signal: signum === undefined ? null : (signalName(signum) ?? String(signum)),
        stdout: stdout.text(),
        stderr: stderr.text(),
        truncated: stdout.truncated || stderr.truncated,
        durationMs: Math.round(performance.now() - started),
        detail: ended.detail,
      });
    });
  });
}

/** Resident KiB of the process and its descendants (the memory module's process table). */
async function treeRssKb(pid: number): Promise<number> {
  const table = await readProcessTable().catch(() => []);
  const tree = await withRss(table, processTree(table, [pid]));
  return tree.reduce((sum, p) => sum + (p.rssKb ?? 0), 0);
}

function classify(code: number | null, signum: number | undefined, stderr: string, limits: SandboxLimits): { verdict: SandboxVerdict; detail: string } {
  if (signum === constants.signals.SIGSYS) return { verdict: 'sandbox_violation', detail: 'stopped by the sandbox: a forbidden system call (a network socket or a denied kernel interface)' };
  if (signum === constants.signals.SIGXFSZ) return { verdict: 'sandbox_violation', detail: `stopped: wrote a file past the ${limits.fileSizeMiB} MiB file-size limit` };
  if (signum === constants.signals.SIGXCPU) return { verdict: 'timeout', detail: `stopped at the ${limits.cpuSeconds} s CPU-time limit` };
  if (signum === constants.signals.SIGKILL) return { verdict: 'timeout', detail: `killed (SIGKILL): the ${limits.cpuSeconds} s CPU-time hard limit or the kernel's out-of-memory killer` };
  if (signum !== undefined) return { verdict: 'error', detail: `killed by ${signalName(signum) ?? signum}` };
  if (code === 0) return { verdict: 'ok', detail: 'exit 0' };
  // Runtimes that ignore SIGXFSZ (Python does) see EFBIG instead; only the file-size limit causes it here.
  if (/File too large|EFBIG/.test(stderr)) return { verdict: 'sandbox_violation', detail: `stopped: wrote a file past the ${limits.fileSizeMiB} MiB file-size limit (exit ${code ?? '?'})` };
  return { verdict: 'error', detail: `exit ${code ?? '?'}` };
}
