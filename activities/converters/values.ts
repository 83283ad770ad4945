// Typed reads of fields from parsed tool output. Every failure names the file and the field (as a JSON
// path) and says what was expected, so a person can find the offending value.
import { InputError } from '../errors.js';
import { nonFiniteToken, type NonFiniteToken } from './json-input.js';

export type JsonRecord = Record<string, unknown>;

/** `$.results["exact_match,strict-match"]`-style path for messages. */
export function fieldPath(...segments: ReadonlyArray<string | number>): string {
  let out = '$';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${String(s)}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) out += `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

export function describe(value: unknown): string {
  const token = nonFiniteToken(value);
  if (token) return token;
  // JSON.stringify gives undefined (whatever its type says) for undefined, functions and symbols.
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export type NumberRead = { ok: true; value: number } | { ok: false; nonFinite: NonFiniteToken };

/** A number where the tool writes one. Python's NaN/Infinity come back as `{ok: false}` so the caller can
 * drop the metric and record why; strings, booleans, objects are an InputError (the file is not what the
 * tool writes). */
export function readNumber(value: unknown, file: string, path: string): NumberRead {
  if (typeof value === 'number' && Number.isFinite(value)) return { ok: true, value };
  const token = nonFiniteToken(value);
  if (token) return { ok: false, nonFinite: token };
  throw new InputError(`${file}: ${path} must be a number, got ${typeName(value)} ${describe(value)}`);
}

/** Like readNumber, but a numeric string ("67.97", as lm-eval writes total_evaluation_time_seconds) is
 * accepted too. */
export function readNumeric(value: unknown, file: string, path: string): NumberRead {
  if (typeof value === 'string' && nonFiniteToken(value) === undefined) {
    const trimmed = value.trim();
    const parsed = Number(trimmed);
    if (trimmed !== '' && Number.isFinite(parsed)) return { ok: true, value: parsed };
    // Python's str(float('nan')) / str(float('inf')) in a field lm-eval writes as text
    if (/^nan$/i.test(trimmed)) return { ok: false, nonFinite: 'NaN' };
    if (/^[+-]?inf(inity)?$/i.test(trimmed)) return { ok: false, nonFinite: trimmed.startsWith('-') ? '-Infinity' : 'Infinity' };
    throw new InputError(`${file}: ${path} must be a number or a numeric string, got ${describe(value)}`);
  }
  return readNumber(value, file, path);
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (nonFiniteToken(value)) return 'non-finite number';
  return typeof value;
}
