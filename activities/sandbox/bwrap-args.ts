// The bubblewrap command line of one execution (Linux). What the sandboxed program sees:
//
// - a new user, pid, network, ipc, uts and cgroup namespace; no capabilities; no nested user namespaces;
//   its own session (no TIOCSTI into our terminal); killed when the worker dies (--die-with-parent);
// - the system read-only (/usr and its /bin, /lib… links, the loader cache, /etc/alternatives), the
//   runtimes' own roots read-only, and nothing else of the host: no /home or /root, no /etc/shadow,
//   no /sys, no host /tmp; a fresh /proc of its own pid namespace (so no other process's environment)
//   and a minimal /dev;
// - its work directory read-write at /workspace (also HOME and the working directory) and a small
//   private /tmp in memory;
// - an environment of exactly PATH, HOME, LANG, TMPDIR and what the runtime needs;
// - the seccomp filter (seccomp.ts) and prlimit's resource limits (limits.ts).
//
// Run by root (CI), the sandbox would still be uid 0 to the kernel behind the user namespace, and the
// kernel does not enforce RLIMIT_NPROC for uid 0 — a fork bomb would go unchecked. So root first drops
// to `nobody` with setpriv and bubblewrap then runs unprivileged, exactly as for a normal user: the
// sandbox can only ever read what nobody may read.
import { lstatSync, readlinkSync } from 'node:fs';
import { prlimitArgs } from './limits.js';
import type { Runtime, SandboxLimits } from './types.js';

export const SANDBOX_WORKDIR = '/workspace';
export const SANDBOX_TMP = '/tmp';
export const SANDBOX_UID = 65534;
/** Child fds bubblewrap reads the seccomp program from and reports its status on. */
export const SECCOMP_FD = 3;
export const STATUS_FD = 4;

const SYSTEM_LINKS = ['/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32'];
const SYSTEM_FILES = ['/etc/ld.so.cache', '/etc/alternatives'];
const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin';

export interface BwrapPlan {
  bwrap: string;
  /** setpriv, when the worker runs as root (the drop to nobody). */
  setpriv?: string;
  prlimit: string;
  hostWorkdir: string;
  runtimes: Runtime[];
  env: Record<string, string>;
  limits: SandboxLimits;
  command: string[];
}

/** `/bin` → `usr/bin` on merged-/usr systems (a link in the sandbox too); a real directory is bound. */
function systemEntry(path: string): string[] {
  try {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return ['--symlink', readlinkSync(path), path];
    if (stat.isDirectory()) return ['--ro-bind', path, path];
  } catch {
    // Not on this system (e.g. /libx32).
  }
  return [];
}

/** The environment inside: the minimal set, then the runtimes', then the caller's. */
export function sandboxEnv(runtimes: Runtime[], extra: Record<string, string>, home: string, tmp: string): Record<string, string> {
  const runtimeBins = runtimes.map((r) => r.command.slice(0, r.command.lastIndexOf('/'))).filter((d) => d !== '');
  const env: Record<string, string> = {
    PATH: [...new Set([...runtimeBins, ...SYSTEM_PATH.split(':')])].join(':'),
    HOME: home,
    LANG: 'C.UTF-8',
    TMPDIR: tmp,
  };
  for (const r of runtimes) Object.assign(env, expandPaths(r.env, home, tmp));
  return { ...env, ...extra };
}

/** Runtime variables name the sandbox's home and temp folder as {home} and {tmp}. */
function expandPaths(vars: Record<string, string>, home: string, tmp: string): Record<string, string> {
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, v.replaceAll('{home}', home).replaceAll('{tmp}', tmp)]));
}

export function bwrapArgv(plan: BwrapPlan): string[] {
  const args: string[] = [];
  if (plan.setpriv) args.push(plan.setpriv, `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_UID}`, '--clear-groups', '--');
  args.push(
    plan.bwrap,
    '--unshare-all',
    '--unshare-user',
    '--disable-userns',
    '--die-with-parent',
    '--new-session',
    '--cap-drop',
    'ALL',
    '--hostname',
    'sandbox',
    '--ro-bind',
    '/usr',
    '/usr',
  );
  for (const path of SYSTEM_LINKS) args.push(...systemEntry(path));
  for (const path of SYSTEM_FILES) args.push('--ro-bind-try', path, path);
  args.push('--proc', '/proc', '--dev', '/dev', '--size', String(plan.limits.tmpMiB * 1024 * 1024), '--tmpfs', SANDBOX_TMP);
  // Runtime roots under /usr are already there; the others (a venv, a toolchain) at their own path.
  const roots = [...new Set(plan.runtimes.flatMap((r) => r.roots))].filter((r) => !r.startsWith('/usr/'));
  for (const root of roots) args.push('--ro-bind', root, root);
  args.push('--bind', plan.hostWorkdir, SANDBOX_WORKDIR, '--chdir', SANDBOX_WORKDIR, '--clearenv');
  for (const [k, v] of Object.entries(sandboxEnv(plan.runtimes, plan.env, SANDBOX_WORKDIR, SANDBOX_TMP))) args.push('--setenv', k, v);
  args.push('--seccomp', String(SECCOMP_FD), '--json-status-fd', String(STATUS_FD), '--', plan.prlimit, ...prlimitArgs(plan.limits), ...plan.command);
  return args;
}
