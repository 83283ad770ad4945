// Which sandbox this machine has, proven by running a trivial program in it (a bubblewrap that is
// installed but cannot create namespaces — some containers, a kernel without unprivileged user
// namespaces — is no sandbox). The answer is kept for the life of the process.
import { executable, onPath } from '../suites/external/find-tool.js';
import { bwrapExecutor, sandboxExecExecutor, type SandboxExecutor } from './executors.js';
import { SANDBOX_EXEC } from './macos-args.js';
import { createWorkdir } from './workdir.js';

export type SandboxLookup = { found: true; executor: SandboxExecutor; description: string } | { found: false; reason: string };

export const SANDBOX_INSTALL_HINT =
  'run deploy/setup/install-sandbox.sh (Linux: installs bubblewrap, e.g. apt-get install bubblewrap / dnf install bubblewrap; ' +
  'it needs unprivileged user namespaces, which Docker\'s default seccomp profile blocks) — macOS has /usr/bin/sandbox-exec built in';

let cached: Promise<SandboxLookup> | undefined;

/** The machine's sandbox (probed once per process; `fresh` probes again). */
export function findSandbox(options: { env?: NodeJS.ProcessEnv; fresh?: boolean } = {}): Promise<SandboxLookup> {
  if (!cached || options.fresh) cached = probe(options.env ?? process.env);
  return cached;
}

async function probe(env: NodeJS.ProcessEnv): Promise<SandboxLookup> {
  if (process.platform === 'darwin') {
    if (!(await executable(SANDBOX_EXEC))) return { found: false, reason: `no sandbox: ${SANDBOX_EXEC} is missing` };
    return proven(sandboxExecExecutor(), 'sandbox-exec with configs/sandbox/nightshift.sb');
  }
  if (process.platform !== 'linux') return { found: false, reason: `no sandbox for ${process.platform}: Nightshift sandboxes code on Linux (bubblewrap) and macOS (sandbox-exec)` };
  const bwrap = env.NIGHTSHIFT_BWRAP ?? (await onPath('bwrap', env));
  if (!bwrap) return { found: false, reason: `no sandbox: bubblewrap (bwrap) is not installed; ${SANDBOX_INSTALL_HINT}` };
  const prlimit = await onPath('prlimit', env);
  if (!prlimit) return { found: false, reason: 'no sandbox: prlimit (util-linux) is missing, so no resource limits can be set' };
  const root = process.geteuid?.() === 0;
  const setpriv = root ? await onPath('setpriv', env) : undefined;
  if (root && !setpriv) return { found: false, reason: 'no sandbox: running as root needs setpriv (util-linux) to drop to nobody before entering the sandbox' };
  try {
    return await proven(bwrapExecutor({ bwrap, prlimit, ...(setpriv ? { setpriv } : {}) }), `bubblewrap (${bwrap})${root ? ' as nobody' : ''}`);
  } catch (error) {
    return { found: false, reason: `no sandbox: ${(error as Error).message}` };
  }
}

async function proven(executor: SandboxExecutor, description: string): Promise<SandboxLookup> {
  const workdir = await createWorkdir('ns-sandbox-probe-');
  try {
    const result = await executor.run({ command: ['/bin/sh', '-c', 'echo ready'], workdir: workdir.path, limits: { wallSeconds: 20 } });
    if (result.verdict === 'ok' && result.stdout.trim() === 'ready') return { found: true, executor, description };
    return { found: false, reason: `no sandbox: ${description} did not run a test program (${result.detail}: ${result.stderr.trim().slice(-300)}); ${SANDBOX_INSTALL_HINT}` };
  } catch (error) {
    return { found: false, reason: `no sandbox: ${description} failed to start (${(error as Error).message}); ${SANDBOX_INSTALL_HINT}` };
  } finally {
    await workdir.remove();
  }
}
