// What a code-executing verifier gets from the run: the sandbox executor the policy allowed, and the
// runtimes it can start there. One object per run, so every scenario uses the same sandbox and the
// runtime probes happen once.
import type { SandboxExecutor } from '../../../sandbox/executors.js';
import { findRuntime, type RuntimeLookup } from '../../../sandbox/runtimes.js';
import type { Runtime, RuntimeName, SandboxLimits, SandboxResult } from '../../../sandbox/types.js';
import { createWorkdir, readTree, writeFiles } from '../../../sandbox/workdir.js';

export interface ExecutionContext {
  executor: SandboxExecutor;
  runtime(name: RuntimeName): Promise<RuntimeLookup>;
  signal?: AbortSignal;
}

export function executionContext(executor: SandboxExecutor, signal?: AbortSignal): ExecutionContext {
  return { executor, runtime: (name) => findRuntime(name, executor), ...(signal ? { signal } : {}) };
}

export interface ProgramRun {
  files: Record<string, string>;
  command: string[];
  runtimes: Runtime[];
  limits?: Partial<SandboxLimits>;
  /** Read the work directory back after the run (shell tasks verify the files). */
  readBack?: boolean;
}

export interface ProgramOutcome {
  result: SandboxResult;
  files?: Map<string, string>;
}

/** Runs one program in a fresh work directory and removes it afterwards. */
export async function runProgram(context: ExecutionContext, program: ProgramRun): Promise<ProgramOutcome> {
  const workdir = await createWorkdir();
  try {
    await writeFiles(workdir.path, program.files);
    const result = await context.executor.run({
      command: program.command,
      workdir: workdir.path,
      runtimes: program.runtimes,
      ...(program.limits ? { limits: program.limits } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    return { result, ...(program.readBack ? { files: await readTree(workdir.path) } : {}) };
  } finally {
    await workdir.remove();
  }
}

/** The trace every code verdict carries: how the program ended, in the sandbox it ran in. */
export function executionTrace(context: ExecutionContext, result: SandboxResult): Record<string, unknown> {
  return {
    sandbox: context.executor.kind,
    verdict: result.verdict,
    detail: result.detail,
    exit_code: result.exitCode,
    signal: result.signal,
    duration_ms: result.durationMs,
    stdout_tail: result.stdout.slice(-1200),
    stderr_tail: result.stderr.slice(-1200),
  };
}
