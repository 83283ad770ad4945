// The sandbox-exec command line of one execution (macOS), with the profile the project ships
// (configs/sandbox/nightshift.sb). Seatbelt has no namespaces: the work directory stays at its host path,
// the environment is cleared by the spawn itself, and limits come from the shell's ulimit (limits.ts).
import { projectPath } from '../project-root.js';
import { ulimitScript } from './limits.js';
import type { Runtime, SandboxLimits } from './types.js';

export const MACOS_PROFILE = projectPath('configs', 'sandbox', 'nightshift.sb');
export const SANDBOX_EXEC = '/usr/bin/sandbox-exec';
/** The profile has this many runtime-root parameters; unused ones point nowhere. */
export const RUNTIME_ROOT_SLOTS = 4;
const UNUSED_ROOT = '/nonexistent';

export interface MacPlan {
  /** Real paths (the profile matches real paths: /private/var/…, not /var/…). */
  workdir: string;
  tmp: string;
  runtimes: Runtime[];
  limits: SandboxLimits;
  /** Absolute RLIMIT_NPROC (per user on macOS: the user's running processes plus the execution's allowance). */
  processLimit: number;
  command: string[];
  profile?: string;
}

export function sandboxExecArgv(plan: MacPlan): string[] {
  const roots = [...new Set(plan.runtimes.flatMap((r) => r.roots))];
  if (roots.length > RUNTIME_ROOT_SLOTS) throw new Error(`sandbox-exec: at most ${RUNTIME_ROOT_SLOTS} runtime roots, got ${roots.length}`);
  const params = [`WORKDIR=${plan.workdir}`, `TMP=${plan.tmp}`];
  for (let i = 0; i < RUNTIME_ROOT_SLOTS; i++) params.push(`RUNTIME_ROOT_${i + 1}=${roots[i] ?? UNUSED_ROOT}`);
  return [
    SANDBOX_EXEC,
    '-f',
    plan.profile ?? MACOS_PROFILE,
    ...params.flatMap((p) => ['-D', p]),
    '/bin/sh',
    '-c',
    ulimitScript(plan.limits, plan.processLimit),
    'sh',
    ...plan.command,
  ];
}
