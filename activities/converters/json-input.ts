// Reading a tool's JSON output safely: a size cap before anything is read into memory, clear errors for
// missing, empty, truncated or non-JSON files, and deliberate handling of the bare NaN / Infinity /
// -Infinity tokens that Python's json module writes (JSON.parse rejects them).
//
// Decision on non-finite numbers: they are parsed, not rejected, so one NaN metric (lm-eval's mcc on a
// degenerate split, a vllm std over zero requests) does not throw away the rest of a night's run. Each
// one becomes a marker string here; the converter that meets it where a number belongs drops that
// metric and records an error line naming the file and field (see `readNumber` in values.ts).
import { readFile, stat } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { isRecord } from '../../workflows/shared/records.js';

/** Results files are kilobytes to a few megabytes (vllm --save-detailed can reach tens); anything bigger
 * is not a results file, and reading it whole would cost that much memory. */
export const MAX_RESULTS_JSON_BYTES = 64 * 1024 * 1024;

const NON_FINITE_PREFIX = '\u0000nightshift-non-finite:';
export type NonFiniteToken = 'NaN' | 'Infinity' | '-Infinity';

/** The token a Python non-finite number was written as, when `value` is the marker for one. */
export function nonFiniteToken(value: unknown): NonFiniteToken | undefined {
  if (typeof value !== 'string' || !value.startsWith(NON_FINITE_PREFIX)) return undefined;
  return value.slice(NON_FINITE_PREFIX.length) as NonFiniteToken;
}

/** `value` with every non-finite marker replaced by the token's text ("NaN"), for fields that keep the
 * tool's output as it was (`raw`, tags): the marker is an internal device and must not leak. */
export function withNonFiniteAsText(value: unknown): unknown {
  const token = nonFiniteToken(value);
  if (token) return token;
  if (Array.isArray(value)) return value.map(withNonFiniteAsText);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withNonFiniteAsText(v)]));
  }
  return value;
}

export interface ReadJsonOptions {
  /** Words for error messages, e.g. "lm-eval results file". */
  what: string;
  maxBytes?: number;
}

/** Reads and parses a JSON file (Python-flavoured numbers allowed), with every failure as an InputError
 * naming the file. */
export async function readJsonFile(file: string, options: ReadJsonOptions): Promise<unknown> {
  const maxBytes = options.maxBytes ?? MAX_RESULTS_JSON_BYTES;
  let size: number;
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new InputError(`${file}: expected a ${options.what}, got a directory`);
    size = info.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read ${options.what} ${file}: ${reason(error)}`, { cause: error });
  }
  if (size > maxBytes) {
    throw new InputError(
      `${file}: ${formatBytes(size)} is larger than the ${formatBytes(maxBytes)} limit for a ${options.what}; ` +
        'this is not a results file (per-sample logs are read separately, streamed)',
    );
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${options.what} ${file}: ${reason(error)}`, { cause: error });
  }
  return parsePythonJson(text, file);
}

/** JSON.parse that also accepts Python's NaN / Infinity / -Infinity (as markers, see nonFiniteToken). */
export function parsePythonJson(text: string, file: string): unknown {
  if (text.trim() === '') throw new InputError(`${file}: the file is empty, expected JSON`);
  try {
    return JSON.parse(text) as unknown;
  } catch (firstError) {
    const rewritten = markNonFinite(text);
    if (rewritten !== text) {
      try {
        return JSON.parse(rewritten) as unknown;
      } catch {
        // fall through to the description of the original error
      }
    }
    throw new InputError(`${file}: not valid JSON (${describeParseError(text, firstError)})`, {
      cause: firstError,
    });
  }
}

/** Replaces bare NaN / Infinity / -Infinity outside string literals with marker strings. Linear scan;
 * returns the same string when there is nothing to replace. */
function markNonFinite(text: string): string {
  const parts: string[] = [];
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    let token: NonFiniteToken | undefined;
    if (c === 0x4e && text.startsWith('NaN', i)) token = 'NaN';
    else if (c === 0x49 && text.startsWith('Infinity', i)) token = 'Infinity';
    else if (c === 0x2d && text.startsWith('-Infinity', i)) token = '-Infinity';
    if (token) {
      parts.push(text.slice(last, i), JSON.stringify(NON_FINITE_PREFIX + token));
      i += token.length - 1;
      last = i + 1;
    }
  }
  if (parts.length === 0) return text;
  parts.push(text.slice(last));
  return parts.join('');
}

function describeParseError(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const match = /position (\d+)/.exec(message);
  const offset = match ? Number(match[1]) : undefined;
  const truncated =
    /end of (JSON )?input|Unterminated string/i.test(message) ||
    (offset !== undefined && offset >= text.trimEnd().length);
  if (truncated) return `it ends early, the file looks truncated: ${message}`;
  if (/non-whitespace character after JSON/.test(message)) {
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    if (lines.length > 1 && lines.every(isJsonObjectLine)) {
      return `it holds ${String(lines.length)} JSON documents, one per line (as --append-result writes); convert one document per file`;
    }
  }
  if (offset === undefined) return message;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${message}; line ${String(line)}, column ${String(column)}`;
}

function isJsonObjectLine(line: string): boolean {
  try {
    return isRecord(JSON.parse(line));
  } catch {
    return false;
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${String(bytes)} bytes`;
}

function reason(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
