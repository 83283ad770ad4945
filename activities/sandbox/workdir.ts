// The execution's own work directory on the host: made fresh under the system temp folder (which every
// user can traverse, so the sandbox user reaches it), filled with the scenario's files, handed to the
// sandbox user, read back for verification, measured against its quota while code runs, and removed.
import { chown, lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { SANDBOX_UID } from './bwrap-args.js';

export interface Workdir {
  path: string;
  /** Private temporary folder for executors without a tmpfs of their own (macOS, unsafe). */
  tmp: string;
  remove(): Promise<void>;
}

const runningAsRoot = (): boolean => typeof process.geteuid === 'function' && process.geteuid() === 0;

/** A fresh, empty work directory (and its private temp folder), owned by whoever runs the sandbox. */
export async function createWorkdir(prefix = 'ns-sandbox-'): Promise<Workdir> {
  const base = await mkdtemp(join(tmpdir(), prefix));
  const path = join(base, 'work');
  const tmp = join(base, 'tmp');
  await mkdir(path);
  await mkdir(tmp);
  await handOver(base, ['work', 'tmp']);
  return { path, tmp, remove: () => rm(base, { recursive: true, force: true }) };
}

/** Writes files (relative paths) into the work directory; a path that leaves it is refused. */
export async function writeFiles(workdir: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) {
    const target = insidePath(workdir, name);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  await handOver(workdir, ['.']);
}

/** The absolute path of `name` inside `workdir`; throws for absolute paths and `..` escapes. */
export function insidePath(workdir: string, name: string): string {
  const target = normalize(join(workdir, name));
  const rel = relative(workdir, target);
  if (rel === '' || rel.startsWith('..') || rel.startsWith(sep) || name.startsWith('/')) throw new Error(`path ${JSON.stringify(name)} is outside the work directory`);
  return target;
}

/**
 * Root runs the sandbox as `nobody` (bwrap-args.ts), so what it must read and write is given to that
 * user; everyone else runs it as themselves and owns the files already.
 */
async function handOver(base: string, entries: string[]): Promise<void> {
  if (!runningAsRoot()) return;
  const walk = async (path: string): Promise<void> => {
    await chown(path, SANDBOX_UID, SANDBOX_UID);
    const stat = await lstat(path);
    if (!stat.isDirectory()) return;
    for (const child of await readdir(path)) await walk(join(path, child));
  };
  await chown(base, SANDBOX_UID, SANDBOX_UID);
  for (const entry of entries) await walk(join(base, entry));
}

export interface WorkdirUsage {
  bytes: number;
  entries: number;
}

/** Bytes and entries under `path`, stopping early once either passes its ceiling (a check, not an inventory). */
export async function workdirUsage(path: string, ceiling: WorkdirUsage): Promise<WorkdirUsage> {
  const usage = { bytes: 0, entries: 0 };
  const stack = [path];
  while (stack.length > 0 && usage.bytes <= ceiling.bytes && usage.entries <= ceiling.entries) {
    const dir = stack.pop() as string;
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue; // removed while we looked, or unreadable: nothing to count
    }
    for (const name of names) {
      usage.entries++;
      try {
        const stat = await lstat(join(dir, name));
        usage.bytes += stat.size;
        if (stat.isDirectory()) stack.push(join(dir, name));
      } catch {
        // gone meanwhile
      }
    }
  }
  return usage;
}

/** Every regular file under the work directory (relative path → content, as UTF-8), for verifiers. */
export async function readTree(workdir: string, maxBytes = 4 << 20): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      const full = join(dir, name);
      const stat = await lstat(full);
      if (stat.isDirectory()) await walk(full);
      else if (stat.isFile() && total + stat.size <= maxBytes) {
        total += stat.size;
        out.set(relative(workdir, full).split(sep).join('/'), await readFile(full, 'utf8'));
      }
    }
  };
  await walk(workdir);
  return out;
}
