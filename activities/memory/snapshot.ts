// One memory reading of the model server for the envelope's `memory_snapshots`: RSS of its whole process
// tree (a server's workers and helpers count), system available memory, wired memory (macOS) and swap.
// Units: rss_gb / free_gb / wired_gb in GiB (2^30 bytes, like system.memory_gb), swap_mb in MiB.
import type { MemorySnapshot } from '../../workflows/shared/envelope.js';
import { processTree, type ProcessEntry } from './parse.js';
import { readProcessTable, withRss } from './processes.js';
import { readSystemMemory } from './system-memory.js';
import { findRoots, listenerRoots, MemoryTargetNotFoundError, resolveTarget, type MemoryTarget, type ResolvedTarget } from './target.js';

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

export interface TargetRss {
  rssBytes: number;
  /** Every pid whose RSS was summed (roots and descendants). */
  pids: number[];
}

/** The topmost processes of the target in `table`, port listeners included; [] when none runs. */
export async function findTargetRoots(table: ProcessEntry[], target: ResolvedTarget): Promise<number[]> {
  const roots = findRoots(table, target);
  if (roots.length === 0 && (target.kind === 'port' || target.kind === 'command') && target.ports?.length) {
    return listenerRoots(table, target.ports);
  }
  return roots;
}

/** Summed RSS of the target's process trees; throws MemoryTargetNotFoundError when nothing matches. */
export async function measureTargetRss(target: ResolvedTarget): Promise<TargetRss> {
  const table = await readProcessTable();
  const roots = await findTargetRoots(table, target);
  if (roots.length === 0) throw new MemoryTargetNotFoundError(`no running process matches the memory target (${target.label})`);
  const pids = processTree(table, roots);
  const entries = await withRss(table, pids);
  const rssBytes = entries.reduce((sum, p) => sum + (p.rssKb ?? 0) * 1024, 0);
  return { rssBytes, pids };
}

export async function memorySnapshot(phase: string, target: MemoryTarget | ResolvedTarget): Promise<MemorySnapshot> {
  const resolved = await resolveTarget(target);
  const [rss, system] = await Promise.all([measureTargetRss(resolved), readSystemMemory()]);
  const snapshot: MemorySnapshot = {
    phase,
    rss_gb: round(rss.rssBytes / GIB, 3),
    free_gb: round(system.availableBytes / GIB, 3),
    swap_mb: round(system.swapUsedBytes / MIB, 1),
  };
  if (system.wiredBytes !== undefined) snapshot.wired_gb = round(system.wiredBytes / GIB, 3);
  return snapshot;
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The envelope's "peak" memory snapshot from a peak RSS in MiB (rss_gb in GiB, like every snapshot). */
export function peakSnapshot(peakRssMb: number): MemorySnapshot {
  return { phase: 'peak', rss_gb: round(peakRssMb / 1024, 3) };
}
