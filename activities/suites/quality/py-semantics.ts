// The few Python behaviours benchlocal-cli's verdicts depend on, written out so JavaScript reaches the
// same verdicts: value equality (1 == 1.0, dict order irrelevant), round-half-to-even, `str()` of a
// scalar, json.dumps' default separators, and the dotted/indexed path lookup its packs use.
import { isRecord } from '../../../workflows/shared/records.js';

/** Python `==` on JSON values. Booleans are NOT equal to numbers here (Python says True == 1); a
 * pack asking for `true` should not be satisfied by `1` — listed as an intended difference. */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => pyEquals(v, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && pyEquals(a[k], b[k]));
  }
  return false;
}

/** Python 3 `round(x)`: halves go to the even neighbour. */
export function pyRound(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (Math.abs(diff - 0.5) < 1e-9) return floor % 2 === 0 ? floor : floor + 1;
  return Math.round(x);
}

/** Python `str()` of a JSON scalar (None, True/False); containers fall back to JSON text. */
export function pyStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return pyJsonDumps(v);
}

/** `json.dumps(v, ensure_ascii=False, sort_keys=True)`: ", " and ": " separators, sorted keys. */
export function pyJsonDumps(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pyJsonDumps).join(', ')}]`;
  if (isRecord(v)) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}: ${pyJsonDumps(v[k])}`)
      .join(', ')}}`;
  }
  // JSON.stringify gives undefined (whatever its type says) for these; json.dumps(None) is "null".
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return 'null';
  return JSON.stringify(v);
}

/** Python repr of a list of strings, e.g. ['web_search'] (used in details copied from the reference). */
export function pyListRepr(items: readonly string[]): string {
  return `[${items.map((s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ')}]`;
}

export class PathNotFound extends Error {}

/** Resolves "a.b[0].c" (a leading "$." already removed); throws PathNotFound when any step is missing. */
export function getPath(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split('.')) {
    if (part === '') continue;
    const bracket = part.indexOf('[');
    const name = bracket === -1 ? part : part.slice(0, bracket);
    if (name) current = step(current, name);
    if (bracket !== -1) {
      for (const m of part.slice(bracket).matchAll(/\[(\d+)\]/g)) current = step(current, Number(m[1]));
    }
  }
  return current;
}

function step(current: unknown, key: string | number): unknown {
  if (typeof key === 'number') {
    if (!Array.isArray(current) || key >= current.length) throw new PathNotFound(`index [${key}] not found`);
    return current[key];
  }
  if (!isRecord(current) || !Object.hasOwn(current, key)) throw new PathNotFound(`'${key}'`);
  return current[key];
}

export function hasPath(value: unknown, path: string): boolean {
  try {
    getPath(value, path);
    return true;
  } catch (error) {
    if (error instanceof PathNotFound) return false;
    throw error;
  }
}

