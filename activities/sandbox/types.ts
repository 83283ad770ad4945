// The vocabulary of the code sandbox: what one execution asks for (a command, files, limits) and what it
// gives back (output, exit, and a verdict that says how it ended). Verifiers of code-executing packs
// speak only this language, so they never care whether bubblewrap, sandbox-exec or (explicitly unsafe)
// no isolation ran the code.

/** How an execution ended. `ok`: exit 0. `error`: any other exit, or a crash. `timeout`: the wall-clock
 * deadline or the CPU-time limit. `sandbox_violation`: the sandbox stopped something it forbids (a network
 * socket or another denied kernel interface, a file past the size limit, a work directory past its quota). */
export type SandboxVerdict = 'ok' | 'error' | 'timeout' | 'sandbox_violation';

export interface SandboxLimits {
  /** Wall-clock deadline; the whole process tree is killed when it passes. */
  wallSeconds: number;
  /** CPU time (RLIMIT_CPU); SIGXCPU at the limit, SIGKILL a second later. */
  cpuSeconds: number;
  /** Writable private memory (RLIMIT_DATA); the address space (RLIMIT_AS) gets 4× this. */
  memoryMiB: number;
  /** Processes and threads the execution may have at once (RLIMIT_NPROC in its own user namespace). */
  processes: number;
  /** Largest file it may write (RLIMIT_FSIZE). */
  fileSizeMiB: number;
  /** Open file descriptors (RLIMIT_NOFILE). */
  openFiles: number;
  /** Everything in the work directory together; checked while it runs. */
  workdirQuotaMiB: number;
  /** Size of the private /tmp (a tmpfs, in memory). */
  tmpMiB: number;
  /** Bytes of stdout and of stderr kept (the rest is read and dropped). */
  outputBytes: number;
}

/** One language runtime the sandbox can start, as found on this machine. */
export interface Runtime {
  name: RuntimeName;
  /** Executable (absolute host path; the same path inside the sandbox). */
  command: string;
  version: string;
  /** Host directories the runtime needs read-only beyond the system ones (a venv, a toolchain root). */
  roots: string[];
  /** Environment the runtime needs (GOCACHE, CGO_ENABLED …); paths are sandbox paths. */
  env: Record<string, string>;
}

export const RUNTIME_NAMES = ['python', 'node', 'go', 'rust', 'bash'] as const;
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

export interface SandboxRequest {
  /** argv; the first word is an absolute path or a name looked up on the sandbox PATH. */
  command: string[];
  /** Host work directory (made by `createWorkdir`); it is the sandbox's working directory and HOME. */
  workdir: string;
  /** Runtimes whose roots and environment the command needs. */
  runtimes?: Runtime[];
  /** Extra variables (added after the minimal PATH/HOME/LANG/TMPDIR and the runtimes' variables). */
  env?: Record<string, string>;
  stdin?: string;
  limits?: Partial<SandboxLimits>;
  signal?: AbortSignal;
}

export interface SandboxResult {
  verdict: SandboxVerdict;
  /** Exit code of the command, when it exited. */
  exitCode: number | null;
  /** Signal that ended it (from the exit status 128+N the sandbox reports), when one did. */
  signal: string | null;
  stdout: string;
  stderr: string;
  /** True when stdout or stderr went past `outputBytes` and was cut. */
  truncated: boolean;
  durationMs: number;
  /** One line saying how it ended ("exit 1", "killed at the 10 s wall-clock limit", …). */
  detail: string;
}

/** Which isolation ran the code. `none` only with the explicit unsafe opt-in. */
export type SandboxKind = 'bwrap' | 'sandbox-exec' | 'none';
