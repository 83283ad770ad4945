// The three ways to run a sandbox request: bubblewrap (Linux), sandbox-exec (macOS), and — only when the
// user asked for it by name — no isolation at all. All three apply the same limits and environment
// rules and end in the same SandboxResult; only the isolation differs.
import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import { promisify } from 'node:util';
import { bwrapArgv, sandboxEnv } from './bwrap-args.js';
import { prlimitArgs, ulimitScript, withDefaults } from './limits.js';
import { sandboxExecArgv } from './macos-args.js';
import { runLimited } from './run-limited.js';
import { seccompProgram } from './seccomp.js';
import type { SandboxKind, SandboxRequest, SandboxResult } from './types.js';

const run = promisify(execFile);

export interface SandboxExecutor {
  kind: SandboxKind;
  run(request: SandboxRequest): Promise<SandboxResult>;
}

/** The spawn environment of the sandbox tool itself: nothing of the worker's (no tokens, no keys). */
const TOOL_ENV = { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' };

export interface BwrapTools {
  bwrap: string;
  prlimit: string;
  /** Set when the worker runs as root: the sandbox then starts as nobody. */
  setpriv?: string;
}

export function bwrapExecutor(tools: BwrapTools): SandboxExecutor {
  const seccomp = seccompProgram();
  if (!seccomp) throw new Error(`no seccomp filter for the ${process.arch} architecture`);
  return {
    kind: 'bwrap',
    run(request) {
      const limits = withDefaults(request.limits);
      const argv = bwrapArgv({
        bwrap: tools.bwrap,
        ...(tools.setpriv ? { setpriv: tools.setpriv } : {}),
        prlimit: tools.prlimit,
        hostWorkdir: request.workdir,
        runtimes: request.runtimes ?? [],
        env: request.env ?? {},
        limits,
        command: request.command,
      });
      return runLimited({
        argv,
        env: TOOL_ENV,
        stdin: request.stdin,
        limits,
        workdir: request.workdir,
        seccomp,
        signalAsExitCode: true,
        signal: request.signal,
      });
    },
  };
}

/** The user's running process count: macOS's RLIMIT_NPROC is per user, so the allowance goes on top. */
async function userProcesses(): Promise<number> {
  const uid = process.getuid?.() ?? 0;
  const { stdout } = await run('/bin/ps', ['-U', String(uid), '-o', 'pid=']);
  return stdout.split('\n').filter((l) => l.trim()).length;
}

export function sandboxExecExecutor(profile?: string): SandboxExecutor {
  return {
    kind: 'sandbox-exec',
    async run(request) {
      const limits = withDefaults(request.limits);
      const tmp = await realpath(`${request.workdir}/../tmp`);
      const workdir = await realpath(request.workdir);
      const argv = sandboxExecArgv({
        workdir,
        tmp,
        runtimes: request.runtimes ?? [],
        limits,
        processLimit: (await userProcesses()) + limits.processes,
        command: request.command,
        ...(profile ? { profile } : {}),
      });
      return runLimited({
        argv,
        env: sandboxEnv(request.runtimes ?? [], request.env ?? {}, workdir, tmp),
        cwd: workdir,
        stdin: request.stdin,
        limits,
        workdir,
        watchMemory: true,
        signal: request.signal,
      });
    },
  };
}

/** No isolation: the same limits, a clean environment and a temporary work directory, nothing more.
 * The program can read the user's files and reach the network. Only behind --unsafe-no-sandbox. */
export function unsafeExecutor(prlimit?: string): SandboxExecutor {
  return {
    kind: 'none',
    async run(request) {
      const limits = withDefaults(request.limits);
      const tmp = `${request.workdir}/../tmp`;
      const argv = prlimit
        ? [prlimit, ...prlimitArgs(limits), ...request.command]
        : ['/bin/sh', '-c', ulimitScript(limits, (await userProcesses()) + limits.processes), 'sh', ...request.command];
      return runLimited({
        argv,
        env: sandboxEnv(request.runtimes ?? [], request.env ?? {}, request.workdir, tmp),
        cwd: request.workdir,
        stdin: request.stdin,
        limits,
        workdir: request.workdir,
        watchMemory: process.platform !== 'linux',
        signal: request.signal,
      });
    },
  };
}
