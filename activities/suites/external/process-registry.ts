// A pid-file registry of the external tools' process groups. A worker that is SIGKILLed (or loses its
// machine) cannot kill its children; their groups would keep the model server busy all night. Each
// running group has one small JSON file here; the next worker start calls reapOrphans(), which kills
// every group whose owning worker is gone and removes its file.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface RegistryEntry {
  /** Process group id (= pid of the group leader, which the runner spawns detached). */
  pgid: number;
  /** Pid of the Node process that started the group. */
  ownerPid: number;
  /** The leader's command line as `ps -o args=` shows it, to tell our leader from a reused pid. */
  command: string;
  startedAt: string;
  logPath?: string;
}

/** $NIGHTSHIFT_STATE_DIR/pids, else the worker's data dir ($NIGHTSHIFT_DATA_DIR)/pids, else
 * ~/.nightshift/pids: one machine-wide place, so a worker started from any directory finds the orphans. */
export function defaultRegistryDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.NIGHTSHIFT_STATE_DIR || env.NIGHTSHIFT_DATA_DIR || join(homedir(), '.nightshift'), 'pids');
}

/** Groups this process started and has not yet seen end; never reaped, killed at exit. */
export const liveGroups = new Set<number>();

export function registerGroup(dir: string, entry: RegistryEntry): string {
  liveGroups.add(entry.pgid);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${entry.pgid}.json`);
  // Write then rename, so a reaper never reads half a file.
  writeFileSync(`${path}.tmp`, JSON.stringify(entry));
  renameSync(`${path}.tmp`, path);
  return path;
}

export function unregisterGroup(dir: string, pgid: number): void {
  liveGroups.delete(pgid);
  rmSync(join(dir, `${pgid}.json`), { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function groupAlive(pgid: number): boolean {
  return isAlive(-pgid);
}

/** `ps -ww -o args=` (never cut to a terminal width) of one pid, or undefined when there is no such process (works on Linux and macOS). */
export function commandOf(pid: number): string | undefined {
  try {
    const out = execFileSync('ps', ['-ww', '-o', 'args=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.trim() || undefined;
  } catch {
    return undefined;
  }
}

export function killGroup(pgid: number, signal: NodeJS.Signals = 'SIGKILL'): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

export interface ReapReport {
  killed: RegistryEntry[];
  /** Files removed because their group had already ended (or the pid now runs something else). */
  stale: RegistryEntry[];
  /** Groups left alone because their owner is still running (another live worker). */
  kept: RegistryEntry[];
}

/** Kills every registered group whose owner process is gone; call once at worker start. */
export function reapOrphans(dir: string = defaultRegistryDir()): ReapReport {
  const report: ReapReport = { killed: [], stale: [], kept: [] };
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  } catch {
    return report;
  }
  for (const name of names) {
    const path = join(dir, name);
    let entry: RegistryEntry;
    try {
      entry = JSON.parse(readFileSync(path, 'utf8')) as RegistryEntry;
    } catch {
      rmSync(path, { force: true });
      continue;
    }
    const ownLive = entry.ownerPid === process.pid && liveGroups.has(entry.pgid);
    if (ownLive || (entry.ownerPid !== process.pid && isAlive(entry.ownerPid))) {
      report.kept.push(entry);
      continue;
    }
    if (!groupAlive(entry.pgid)) {
      report.stale.push(entry);
      rmSync(path, { force: true });
      continue;
    }
    // The leader may have exited while its children live on (then the group id cannot have been reused);
    // if the leader is there, it must still be the command we started.
    const leader = commandOf(entry.pgid);
    if (leader !== undefined && leader !== entry.command) {
      report.stale.push(entry);
      rmSync(path, { force: true });
      continue;
    }
    killGroup(entry.pgid, 'SIGKILL');
    report.killed.push(entry);
    rmSync(path, { force: true });
  }
  return report;
}
