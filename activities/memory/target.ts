// Which processes are "the model server": a PID, a process name, a command line, the listener of a TCP
// port (a plain server at http://127.0.0.1:8080 → port 8080), or whatever llama-swap reports in
// GET /running for a model (its `cmd`, with ${PORT} already filled in, and its `proxy` port as the
// fallback when the command line no longer matches). A target is resolved once (one HTTP call for
// llama-swap) and then matched against the process table at every sample, so a restarted server is
// found again.
import { NightshiftError } from '../errors.js';
import { runningModels } from '../endpoint/llama-swap.js';
import { proxyPort, type RunningModel } from '../endpoint/llama-swap-parse.js';
import { matchesCommand, matchesName, splitCommand, topmost, type ProcessEntry } from './parse.js';
import { pidsListeningOn } from './ports.js';

export type MemoryTarget =
  | { pid: number }
  | { processName: string }
  | { command: string }
  | { port: number }
  | { llamaSwap: { endpoint: string; model?: string; apiKey?: string } };

export type ResolvedTarget =
  | { kind: 'pid'; pid: number; label: string }
  | { kind: 'name'; name: string; label: string }
  | { kind: 'port'; ports: number[]; label: string }
  | { kind: 'command'; commands: string[][]; label: string; ports?: number[] };

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
  if ('port' in target) {
    if (!Number.isInteger(target.port) || target.port <= 0 || target.port > 65535) {
      throw new MemoryTargetNotFoundError(`memory target port ${target.port} is not a TCP port`);
    }
    return { kind: 'port', ports: [target.port], label: `listener on port ${target.port}` };
  }
  if ('command' in target) {
    return { kind: 'command', commands: [splitCommand(target.command)], label: `command "${target.command}"` };
  }
  const { endpoint, model, apiKey } = target.llamaSwap;
  const running = (await runningModels(endpoint, { apiKey })).filter((r): r is RunningModel & { cmd: string } => Boolean(r.cmd));
  const chosen = model ? running.filter((r) => r.model === model) : running;
  if (chosen.length === 0) {
    const what = model ? `model "${model}"` : 'any model';
    const names = running.map((r) => r.model).join(', ') || 'nothing';
    throw new MemoryTargetNotFoundError(`llama-swap at ${endpoint} has no running process for ${what} (running: ${names})`);
  }
  const ports = chosen.map((r) => proxyPort(r.proxy)).filter((p): p is number => p !== undefined);
  return {
    kind: 'command',
    commands: chosen.map((r) => splitCommand(r.cmd)),
    ports,
    label: `llama-swap ${chosen.map((r) => r.model).join(', ')}`,
  };
}

/**
 * The topmost processes of the target in this table; the sampler itself is never its own target.
 * Port targets need the OS's socket table and are resolved by the caller (see listenerRoots).
 */
export function findRoots(table: ProcessEntry[], target: ResolvedTarget, selfPid = process.pid): number[] {
  if (target.kind === 'pid') return table.some((p) => p.pid === target.pid) ? [target.pid] : [];
  if (target.kind === 'port') return [];
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

/** Topmost processes listening on the target's ports (port targets, and llama-swap's fallback). */
export async function listenerRoots(table: ProcessEntry[], ports: number[], selfPid = process.pid): Promise<number[]> {
  const pids = (await pidsListeningOn(ports)).filter((pid) => pid !== selfPid);
  return topmost(table, new Set(pids));
}
