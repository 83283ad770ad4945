// Which processes are "the model server": a PID, a process name, a command line, or whatever llama-swap
// reports in GET /running for a model (its `cmd`, with ${PORT} already filled in). A target is resolved
// once (one HTTP call for llama-swap) and then matched against the process table at every sample, so
// a restarted server is found again.
import { NightshiftError } from '../errors.js';
import { runningModels } from '../endpoint/llama-swap.js';
import { matchesCommand, matchesName, splitCommand, topmost, type ProcessEntry } from './parse.js';

export type MemoryTarget =
  | { pid: number }
  | { processName: string }
  | { command: string }
  | { llamaSwap: { endpoint: string; model?: string; apiKey?: string } };

export type ResolvedTarget =
  | { kind: 'pid'; pid: number; label: string }
  | { kind: 'name'; name: string; label: string }
  | { kind: 'command'; commands: string[][]; label: string };

/** No process of the model server could be found. */
export class MemoryTargetNotFoundError extends NightshiftError {}

export function isResolved(target: MemoryTarget | ResolvedTarget): target is ResolvedTarget {
  return 'kind' in target;
}

export async function resolveTarget(target: MemoryTarget | ResolvedTarget): Promise<ResolvedTarget> {
  if (isResolved(target)) return target;
  if ('pid' in target) {
    if (!Number.isInteger(target.pid) || target.pid <= 0) throw new MemoryTargetNotFoundError(`memory target pid ${target.pid} is not a process id`);
    return { kind: 'pid', pid: target.pid, label: `pid ${target.pid}` };
  }
  if ('processName' in target) {
    if (!target.processName.trim()) throw new MemoryTargetNotFoundError('memory target process name is empty');
    return { kind: 'name', name: target.processName.trim(), label: `process "${target.processName.trim()}"` };
  }
  if ('command' in target) {
    return { kind: 'command', commands: [splitCommand(target.command)], label: `command "${target.command}"` };
  }
  const { endpoint, model, apiKey } = target.llamaSwap;
  const running = (await runningModels(endpoint, { apiKey })).filter((r) => r.cmd);
  const chosen = model ? running.filter((r) => r.model === model) : running;
  if (chosen.length === 0) {
    const what = model ? `model "${model}"` : 'any model';
    const names = running.map((r) => r.model).join(', ') || 'nothing';
    throw new MemoryTargetNotFoundError(`llama-swap at ${endpoint} has no running process for ${what} (running: ${names})`);
  }
  return {
    kind: 'command',
    commands: chosen.map((r) => splitCommand(r.cmd!)),
    label: `llama-swap ${chosen.map((r) => r.model).join(', ')}`,
  };
}

/** The topmost processes of the target in this table; the sampler itself is never its own target. */
export function findRoots(table: ProcessEntry[], target: ResolvedTarget, selfPid = process.pid): number[] {
  if (target.kind === 'pid') return table.some((p) => p.pid === target.pid) ? [target.pid] : [];
  const matching = new Set<number>();
  for (const entry of table) {
    if (entry.pid === selfPid) continue;
    const hit =
      target.kind === 'name'
        ? matchesName(entry, target.name)
        : target.commands.some((words) => matchesCommand(entry, words));
    if (hit) matching.add(entry.pid);
  }
  return topmost(table, matching);
}
