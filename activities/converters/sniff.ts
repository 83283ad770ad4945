// Recognises which tool wrote a parsed JSON document, so that a file given to the wrong converter gets an
// error that names the converter it belongs to instead of a puzzling missing-field message.
import { InputError } from '../errors.js';
import type { ConverterKind } from './types.js';
import { isRecord } from '../../workflows/shared/records.js';

export function looksLikeLmEval(doc: unknown): boolean {
  return (
    isRecord(doc) &&
    isRecord(doc.results) &&
    ['configs', 'config', 'versions', 'n-shot', 'group_subtasks', 'higher_is_better'].some((k) => k in doc)
  );
}

export function looksLikeVllmBench(doc: unknown): boolean {
  return (
    isRecord(doc) &&
    'completed' in doc &&
    ['request_throughput', 'mean_ttft_ms', 'output_throughput', 'total_token_throughput'].some((k) => k in doc)
  );
}

export function looksLikeBenchlocal(doc: unknown): boolean {
  return isRecord(doc) && Array.isArray(doc.packs) && isRecord(doc.totals);
}

const RECOGNISERS: ReadonlyArray<[ConverterKind, (doc: unknown) => boolean]> = [
  ['lm-eval', looksLikeLmEval],
  ['vllm-bench', looksLikeVllmBench],
  ['benchlocal', looksLikeBenchlocal],
];

/** The converter kind whose output `doc` looks like, if any. */
export function recogniseKind(doc: unknown): ConverterKind | undefined {
  return RECOGNISERS.find(([, test]) => test(doc))?.[0];
}

/** The error for a document that is not `expected`'s output, naming the kind it looks like instead. */
export function wrongKindError(file: string, expected: ConverterKind, expectation: string, doc: unknown): InputError {
  const actual = recogniseKind(doc);
  const keys = isRecord(doc) ? Object.keys(doc).slice(0, 8) : [];
  const found = isRecord(doc)
    ? `top-level keys: ${keys.join(', ') || 'none'}${Object.keys(doc).length > keys.length ? ', ...' : ''}`
    : `a JSON ${Array.isArray(doc) ? 'array' : typeof doc}`;
  const hint = actual && actual !== expected ? `; it looks like ${actual} output, use --kind ${actual}` : '';
  return new InputError(`${file}: not ${expected} output: expected ${expectation} (found ${found})${hint}`);
}
