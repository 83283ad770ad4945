// The values a unit allows. A tool's file can hold numbers that cannot be true (an lm-eval exact_match of
// 7.5, a negative throughput); such a value is not published as a fact: the result is left out and the
// envelope's errors say which file, result and value, and what the unit allows.
import type { EnvelopeResult } from '../../workflows/shared/envelope.js';

interface Range {
  min: number;
  max?: number;
  integer?: boolean;
  what: string;
}

const RANGES: Readonly<Record<string, Range>> = {
  ratio: { min: 0, max: 1, what: 'a ratio from 0 to 1' },
  percent: { min: 0, max: 100, what: 'a percentage from 0 to 100' },
  boolean: { min: 0, max: 1, integer: true, what: '0 or 1' },
  count: { min: 0, integer: true, what: 'a whole count of at least 0' },
  requests: { min: 0, integer: true, what: 'a whole number of requests of at least 0' },
  'tok/s': { min: 0, what: 'a rate of at least 0' },
  'req/s': { min: 0, what: 'a rate of at least 0' },
  ms: { min: 0, what: 'a duration of at least 0' },
  s: { min: 0, what: 'a duration of at least 0' },
  seconds: { min: 0, what: 'a duration of at least 0' },
  perplexity: { min: 1, what: 'a perplexity of at least 1' },
  'bits/byte': { min: 0, what: 'at least 0 bits per byte' },
};

function outOfRange(result: EnvelopeResult): string | undefined {
  const range = RANGES[result.unit];
  if (!range) return undefined;
  const v = result.value;
  const fits = v >= range.min && (range.max === undefined || v <= range.max) && (!range.integer || Number.isInteger(v));
  return fits ? undefined : range.what;
}

/** The results whose values their unit allows, and one error line per result left out. */
export function withinRange(results: readonly EnvelopeResult[], file: string): { results: EnvelopeResult[]; errors: string[] } {
  const kept: EnvelopeResult[] = [];
  const errors: string[] = [];
  for (const r of results) {
    const expected = outOfRange(r);
    if (expected === undefined) kept.push(r);
    else errors.push(`${file}: ${r.name} ${r.metric} = ${r.value} ${r.unit} cannot be true (expected ${expected}); left out`);
  }
  return { results: kept, errors };
}
