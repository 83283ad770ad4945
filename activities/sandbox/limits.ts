// Resource limits of one execution and how they are applied. On Linux `prlimit` sets them inside the
// sandbox, after bubblewrap made the user namespace: RLIMIT_NPROC then counts only the execution's own
// processes (the kernel counts per user namespace), so a fork bomb stops at the limit without counting,
// or being counted against, anything else the user runs. macOS (and the unsafe mode there) uses the
// shell's `ulimit`, whose process limit is per user (see processLimitForMacOS).
import type { SandboxLimits } from './types.js';

export const DEFAULT_LIMITS: SandboxLimits = {
  wallSeconds: 10,
  cpuSeconds: 10,
  memoryMiB: 512,
  processes: 64,
  fileSizeMiB: 16,
  openFiles: 256,
  workdirQuotaMiB: 256,
  tmpMiB: 64,
  outputBytes: 1 << 20,
};

const MiB = 1024 * 1024;

export function withDefaults(limits: Partial<SandboxLimits> = {}): SandboxLimits {
  return { ...DEFAULT_LIMITS, ...limits };
}

/** The address space allowed: runtimes reserve far more than they touch (V8, Go's heap arenas), and
 * shared anonymous memory counts only here, not in RLIMIT_DATA. */
export function addressSpaceBytes(limits: SandboxLimits): number {
  return limits.memoryMiB * 4 * MiB;
}

/** `prlimit` arguments (soft:hard) that put `limits` on the command that follows them. */
export function prlimitArgs(limits: SandboxLimits): string[] {
  const cpu = Math.max(1, Math.ceil(limits.cpuSeconds));
  return [
    `--cpu=${cpu}:${cpu + 1}`,
    `--as=${addressSpaceBytes(limits)}`,
    `--data=${limits.memoryMiB * MiB}`,
    `--nproc=${limits.processes}`,
    `--fsize=${limits.fileSizeMiB * MiB}`,
    `--nofile=${limits.openFiles}`,
    '--core=0',
    '--',
  ];
}

/**
 * A `sh -c` script that sets the limits with `ulimit` and then runs "$@". `processLimit` is the
 * absolute RLIMIT_NPROC to set (on macOS it counts every process of the user, not only this run's).
 */
export function ulimitScript(limits: SandboxLimits, processLimit: number): string {
  const kib = (mib: number) => mib * 1024;
  const cpu = Math.max(1, Math.ceil(limits.cpuSeconds));
  // -d and -v are accepted but not enforced by macOS for mmap'd memory; the memory watchdog covers it.
  return [
    `ulimit -t ${cpu}`,
    `ulimit -f ${kib(limits.fileSizeMiB) * 2}`, // ulimit -f counts 512-byte blocks
    `ulimit -n ${limits.openFiles}`,
    `ulimit -u ${processLimit}`,
    'ulimit -c 0',
    `ulimit -d ${kib(limits.memoryMiB)} 2>/dev/null`,
    'exec "$@"',
  ].join('; ');
}
