// Crash-safe sample journal: one JSON line per finished sample, appended and fsynced before the sample
// counts as done. A retried activity opens the same file and skips every key already present, so no
// sample is run or counted twice. A torn last line (crash mid-append) is dropped on open; damage
// anywhere else is reported with the file and line, never silently skipped.
//
// A journal can carry the identity of the run it belongs to (its first line): which run, model, suite,
// config and endpoint. A journal whose identity differs is never resumed from — its samples were measured
// under other conditions — so it is refused, or set aside and a fresh one started.
import { mkdir, open, readFile, rename, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isRecord } from '../../workflows/shared/records.js';
import { InputError } from '../errors.js';

export interface JournalEntry<T = unknown> {
  key: string;
  value: T;
}

/** What a journal's samples were measured under; compared value by value. */
export type JournalIdentity = Readonly<Record<string, string | number | boolean>>;

export interface OpenJournalOptions {
  /** The run this journal belongs to: written as its first line, compared with an existing one. */
  identity?: JournalIdentity;
  /** An existing journal of another identity: "refuse" (InputError, the default) or "set-aside" (renamed
   * beside, a fresh journal started; `setAside` says where it went). */
  onMismatch?: 'refuse' | 'set-aside';
}

export interface Journal<T = unknown> {
  /** File backing the journal, or undefined for an in-memory journal. */
  readonly path: string | undefined;
  /** Where a journal of another run was moved to, when `onMismatch: 'set-aside'` met one. */
  readonly setAside?: { path: string; why: string };
  has(key: string): boolean;
  get(key: string): T | undefined;
  entries(): ReadonlyArray<JournalEntry<T>>;
  /** Durably records a finished sample. Appending a key already present is a no-op. */
  append(key: string, value: T): Promise<void>;
  close(): Promise<void>;
}

const IDENTITY_KEY = '__identity__';

export async function openJournal<T = unknown>(path: string, options: OpenJournalOptions = {}): Promise<Journal<T>> {
  await mkdir(dirname(path), { recursive: true });
  let read = await readEntries<T>(path);
  let setAside: Journal['setAside'];
  if (options.identity && (read.entries.length > 0 || read.identity !== undefined)) {
    const why = identityMismatch(read.identity, options.identity);
    if (why !== undefined) {
      if (options.onMismatch !== 'set-aside') throw new InputError(`journal ${path} belongs to another run (${why}); refusing to resume from it`);
      const aside = `${path}.other-run-${Date.now()}`;
      await rename(path, aside);
      setAside = { path: aside, why };
      read = { entries: [], endsMidLine: false, identity: undefined };
    }
  }
  const { entries, endsMidLine } = read;
  let prefix = endsMidLine ? '\n' : '';
  const byKey = new Map(entries.map((e) => [e.key, e.value]));
  const handle = await open(path, 'a');
  let tail: Promise<void> = Promise.resolve();
  if (options.identity && read.identity === undefined) {
    const line = `${prefix}${JSON.stringify({ k: IDENTITY_KEY, v: options.identity })}\n`;
    prefix = '';
    tail = handle.write(line).then(() => handle.datasync());
  }

  return {
    path,
    ...(setAside ? { setAside } : {}),
    has: (key) => byKey.has(key),
    get: (key) => byKey.get(key),
    entries: () => [...byKey].map(([key, value]) => ({ key, value })),
    append(key, value) {
      if (byKey.has(key)) return tail;
      byKey.set(key, value);
      const line = `${prefix}${JSON.stringify({ k: key, v: value })}\n`;
      prefix = '';
      // Appends are chained so concurrent callers never interleave bytes within a line.
      tail = tail.then(async () => {
        await handle.write(line);
        await handle.datasync();
      });
      return tail;
    },
    async close() {
      await tail;
      await handle.close();
    },
  };
}

/** A journal that lives only as long as the process: for standalone CLI runs without resume. */
export function memoryJournal<T = unknown>(): Journal<T> {
  const byKey = new Map<string, T>();
  return {
    path: undefined,
    has: (key) => byKey.has(key),
    get: (key) => byKey.get(key),
    entries: () => [...byKey].map(([key, value]) => ({ key, value })),
    append(key, value) {
      if (!byKey.has(key)) byKey.set(key, value);
      return Promise.resolve();
    },
    async close() {},
  };
}

/** Why a journal of identity `found` is not the one of `wanted` (the first differing field), or undefined. */
function identityMismatch(found: JournalIdentity | undefined, wanted: JournalIdentity): string | undefined {
  if (found === undefined) return 'it records no run identity';
  for (const key of new Set([...Object.keys(found), ...Object.keys(wanted)])) {
    if (found[key] !== wanted[key]) return `${key} ${JSON.stringify(found[key])} here, ${JSON.stringify(wanted[key])} now`;
  }
  return undefined;
}

interface ReadJournal<T> {
  entries: Array<JournalEntry<T>>;
  endsMidLine: boolean;
  identity: JournalIdentity | undefined;
}

async function readEntries<T>(path: string): Promise<ReadJournal<T>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], endsMidLine: false, identity: undefined };
    throw error;
  }
  const lines = text.split('\n');
  const entries: Array<JournalEntry<T>> = [];
  let identity: JournalIdentity | undefined;
  let goodBytes = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const isLast = i === lines.length - 1;
    if (line === '') {
      if (!isLast) goodBytes += 1;
      continue;
    }
    const parsed = parseLine(line);
    if (!parsed) {
      // Only an unterminated final line can be a torn write; anything else is real damage.
      if (isLast) {
        await truncate(path, goodBytes);
        return { entries, endsMidLine: false, identity };
      }
      throw new InputError(`journal ${path} line ${i + 1} is not a journal entry; refusing to resume from a damaged journal`);
    }
    if (parsed.k === IDENTITY_KEY && i === 0 && isRecord(parsed.v)) identity = parsed.v as JournalIdentity;
    else entries.push({ key: parsed.k, value: parsed.v as T });
    goodBytes += Buffer.byteLength(line) + (isLast ? 0 : 1);
  }
  // A complete entry whose newline never reached the disk: keep it, start the next append on a new line.
  const endsMidLine = text.length > 0 && !text.endsWith('\n');
  return { entries, endsMidLine, identity };
}

function parseLine(line: string): { k: string; v: unknown } | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (isRecord(value) && typeof value.k === 'string' && 'v' in value) {
      return { k: value.k, v: value.v };
    }
  } catch {
    // fall through: not JSON
  }
  return undefined;
}
