// Crash-safe sample journal: one JSON line per finished sample, appended and fsynced before the sample
// counts as done. A retried activity opens the same file and skips every key already present, so no
// sample is run or counted twice. A torn last line (crash mid-append) is dropped on open; damage
// anywhere else is reported with the file and line, never silently skipped.
import { mkdir, open, readFile, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isRecord } from '../../workflows/shared/records.js';
import { InputError } from '../errors.js';

export interface JournalEntry<T = unknown> {
  key: string;
  value: T;
}

export interface Journal<T = unknown> {
  /** File backing the journal, or undefined for an in-memory journal. */
  readonly path: string | undefined;
  has(key: string): boolean;
  get(key: string): T | undefined;
  entries(): ReadonlyArray<JournalEntry<T>>;
  /** Durably records a finished sample. Appending a key already present is a no-op. */
  append(key: string, value: T): Promise<void>;
  close(): Promise<void>;
}

export async function openJournal<T = unknown>(path: string): Promise<Journal<T>> {
  await mkdir(dirname(path), { recursive: true });
  const { entries, endsMidLine } = await readEntries<T>(path);
  let prefix = endsMidLine ? '\n' : '';
  const byKey = new Map(entries.map((e) => [e.key, e.value]));
  const handle = await open(path, 'a');
  let tail: Promise<void> = Promise.resolve();

  return {
    path,
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

async function readEntries<T>(path: string): Promise<{ entries: Array<JournalEntry<T>>; endsMidLine: boolean }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], endsMidLine: false };
    throw error;
  }
  const lines = text.split('\n');
  const entries: Array<JournalEntry<T>> = [];
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
        return { entries, endsMidLine: false };
      }
      throw new InputError(`journal ${path} line ${i + 1} is not a journal entry; refusing to resume from a damaged journal`);
    }
    entries.push({ key: parsed.k, value: parsed.v as T });
    goodBytes += Buffer.byteLength(line) + (isLast ? 0 : 1);
  }
  // A complete entry whose newline never reached the disk: keep it, start the next append on a new line.
  const endsMidLine = text.length > 0 && !text.endsWith('\n');
  return { entries, endsMidLine };
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
