import { describe, expect, it } from 'vitest';
import { converterKinds, getConverter, listConverters } from '../../../activities/converters/registry.js';
import { CONVERTER_KINDS } from '../../../activities/converters/types.js';
import { InputError } from '../../../activities/errors.js';
import { validateEnvelope } from '../../../activities/envelope/validate.js';
import { context, fixture } from './support/context.js';

describe('converter registry', () => {
  it('returns the converter for each registered kind', () => {
    expect(converterKinds().slice(0, 3)).toEqual(['lm-eval', 'vllm-bench', 'benchlocal']);
    expect(new Set(converterKinds()).size).toBe(converterKinds().length);
    for (const converter of listConverters()) {
      expect(getConverter(converter.kind)).toBe(converter);
      expect(CONVERTER_KINDS).toContain(converter.kind);
      expect(converter.describes.length).toBeGreaterThan(10);
    }
  });

  it('an unknown kind is an InputError listing the known kinds', () => {
    expect(() => getConverter('lm_eval')).toThrow(InputError);
    expect(() => getConverter('lm_eval')).toThrow(`unknown converter kind "lm_eval"; known kinds: ${converterKinds().join(', ')}`);
    expect(() => getConverter('')).toThrow(/known kinds: lm-eval, vllm-bench, benchlocal/);
  });

  // Every fixture through the registry must give an envelope the schema accepts.
  it.each([
    ['lm-eval', fixture('lm-eval', 'pmemoli-Data-Science-Thesis', 'gsm8k-phi-3-mini_2025-08-07T11-42-40.066002.json')],
    ['lm-eval', fixture('lm-eval', 'pmemoli-Data-Science-Thesis', 'gsm8k-phi-3-mini_2025-08-11T20-51-25.059120.json')],
    ['lm-eval', fixture('lm-eval', 'Ethereum-dAI-local-llm-evals', 'base_gsm8k5_2026-08-07T10-43-37.848875.json')],
    ['lm-eval', fixture('mlx-benchmarks', 'lm_eval_results_sample.json')],
    ['lm-eval', fixture('mlx-benchmarks', 'lm_eval_with_samples')],
    ['vllm-bench', fixture('mlx-benchmarks', 'vllm_benchmark_serving_sample.json')],
    ['benchlocal', fixture('benchlocal', 'result-sample-mock-responses.json')],
  ])('%s %s → a valid envelope', async (kind, path) => {
    // the seed's vllm sample has no model or date: the context supplies them
    const ctx = kind === 'vllm-bench' ? context({ model: 'm', timestamp: '2026-01-01T00:00:00Z' }) : context();
    const envelope = await getConverter(kind).convert(path, ctx);
    expect(validateEnvelope(envelope).issues).toEqual([]);
    expect(envelope.results.length).toBeGreaterThan(0);
  });
});
