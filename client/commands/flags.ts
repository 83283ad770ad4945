// Parsers for command-line values, shared by every command: each names the flag and what it expected, and
// throws InputError (exit 2) instead of letting a bad value through.
import { InputError } from '../../activities/errors.js';

/** A repeatable flag's values, in order. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A whole number from `min` to `max`. */
export function integerFlag(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new InputError(`${flag} expects an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
    return n;
  };
}

/** A whole number of at least 1. */
export function positiveInt(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InputError(`${flag} expects a positive integer, got ${JSON.stringify(value)}`);
    return n;
  };
}

/** Any finite number. */
export function finiteNumber(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InputError(`${flag} expects a number, got ${JSON.stringify(value)}`);
    return n;
  };
}

/** Comma-separated positive integers, e.g. "1,4,16". */
export function positiveIntList(flag: string): (value: string) => number[] {
  return (value) => {
    const parts = value.split(',').map((s) => s.trim());
    const nums = parts.map(Number);
    if (nums.some((n) => !Number.isInteger(n) || n < 1)) throw new InputError(`${flag} expects comma-separated positive integers, got ${JSON.stringify(value)}`);
    return nums;
  };
}
