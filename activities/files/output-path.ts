// Where results are written is checked before any work, so a bad path costs a second, not a night: a
// path under a file ("/etc/hostname/x.json") used to run the whole suite and then lose the results, and
// a path on procfs or sysfs made Node's recursive mkdir loop until the activity's timeout on every
// attempt. A path passes when its deepest existing ancestor is a writable directory on a filesystem that
// stores files, and every existing part of it is a directory.
import { constants } from 'node:fs';
import { access, mkdir, stat, statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InputError, type NightshiftError } from '../errors.js';

type ErrorClass = new (message: string, options?: { cause?: unknown }) => NightshiftError;

// Linux statfs magic numbers of kernel filesystems that hold no files of ours.
const PSEUDO_FILESYSTEMS = new Map<number, string>([
  [0x9fa0, 'procfs'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0xcafe4a11, 'bpf'],
  [0x6e736673, 'nsfs'],
]);

/** Why `dir` (absolute) cannot be or become a writable directory; undefined when it can. */
async function directoryProblem(dir: string): Promise<string | undefined> {
  let existing = dir;
  for (;;) {
    const info = await stat(existing).catch((error: unknown) => error as NodeJS.ErrnoException);
    if (!(info instanceof Error)) {
      if (!info.isDirectory()) return `${existing} is a file, not a directory`;
      break;
    }
    // ENOTDIR: some part further up is a file; walking up finds it and says so.
    if (info.code !== 'ENOENT' && info.code !== 'ENOTDIR') return `${existing}: ${info.message}`;
    const parent = dirname(existing);
    if (parent === existing) return `no part of ${dir} exists`;
    existing = parent;
  }
  const fs = await statfs(existing).catch(() => undefined);
  const pseudo = fs ? PSEUDO_FILESYSTEMS.get(fs.type) : undefined;
  if (pseudo) return `${existing} is on ${pseudo}, a kernel filesystem that cannot hold results`;
  try {
    await access(existing, constants.W_OK | constants.X_OK);
  } catch {
    return `${existing} is not writable by this user`;
  }
  return undefined;
}

/**
 * Throws (InputError unless told otherwise) naming `what` — a flag or field, e.g. "--dataset-dir" — when
 * `dir` cannot be used as an output directory. Creates nothing.
 */
export async function checkOutputDirectory(dir: string, what: string, ErrorClass: ErrorClass = InputError): Promise<void> {
  const problem = await directoryProblem(resolve(dir));
  if (problem !== undefined) throw new ErrorClass(`${what}: cannot write to ${dir}: ${problem}`);
}

/** Like checkOutputDirectory for a file to be written: its directory must be usable and the file itself,
 * if it exists, a file. */
export async function checkOutputFile(file: string, what: string, ErrorClass: ErrorClass = InputError): Promise<void> {
  const absolute = resolve(file);
  const info = await stat(absolute).catch(() => undefined);
  if (info?.isDirectory()) throw new ErrorClass(`${what}: cannot write to ${file}: it is a directory`);
  const problem = await directoryProblem(dirname(absolute));
  if (problem !== undefined) throw new ErrorClass(`${what}: cannot write to ${file}: ${problem}`);
}

/** Checks `dir` as an output directory, then creates it (and its parents). */
export async function ensureOutputDirectory(dir: string, what: string, ErrorClass: ErrorClass = InputError): Promise<void> {
  await checkOutputDirectory(dir, what, ErrorClass);
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new ErrorClass(`${what}: cannot create ${dir}: ${(error as Error).message}`, { cause: error });
  }
}
