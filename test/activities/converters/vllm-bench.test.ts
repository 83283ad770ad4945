import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vllmBenchConverter, vllmDate } from '../../../activities/converters/vllm-bench.js';
import { InputError } from '../../../activities/errors.js';
import { validateEnvelope } from '../../../activities/envelope/validate.js';
import type { Envelope } from '../../../workflows/shared/envelope.js';
import { context, fixture, tempDir, writeFiles } from './support/context.js';

const SEED_SAMPLE = fixture('mlx-benchmarks', 'vllm_benchmark_serving_sample.json');
const row = (e: Envelope, name: string) => e.results.find((r) => r.name === name);

/** The key set `vllm bench serve --save-result --percentile-metrics ttft,tpot,itl,e2el
 * --metric-percentiles 50,99,99.9 --goodput ttft:500` writes (values made up for shape, not measured). */
const benchServe = {
  date: '20251031-221507',
  endpoint_type: 'openai-chat',
  label: null,
  model_id: 'mlx-community/Qwen3.5-9B-MLX-4bit',
  tokenizer_id: 'Qwen/Qwen3.5-9B',
  num_prompts: 200,
  request_rate: 'inf',
  burstiness: 1.0,
  max_concurrency: 8,
  duration: 50.5,
  completed: 198,
  failed: 2,
  total_input_tokens: 102400,
  total_output_tokens: 25344,
  request_throughput: 3.92,
  request_goodput: 3.5,
  output_throughput: 501.9,
  total_token_throughput: 2529.6,
  max_output_tokens_per_s: 640.0,
  max_concurrent_requests: 8,
  mean_ttft_ms: 120.5,
  median_ttft_ms: 110.25,
  std_ttft_ms: 30.5,
  p50_ttft_ms: 110.25,
  p99_ttft_ms: 250.0,
  'p99.9_ttft_ms': 300.0,
  mean_tpot_ms: 14.0,
  median_tpot_ms: 13.5,
  std_tpot_ms: 1.5,
  p99_tpot_ms: 19.0,
  mean_itl_ms: 14.1,
  median_itl_ms: 13.6,
  std_itl_ms: 2.0,
  p99_itl_ms: 20.0,
  mean_e2el_ms: 1900.0,
  median_e2el_ms: 1850.0,
  std_e2el_ms: 200.0,
  p99_e2el_ms: 2600.0,
  input_lens: [512, 512],
  ttfts: [0.12, 0.11],
  generated_texts: ['a', 'b'],
};

describe('vllm-bench converter', () => {
  it("the seed's minimal sample: needs model and date from the context, and says which field is missing", async () => {
    const noModel = vllmBenchConverter.convert(SEED_SAMPLE, context());
    await expect(noModel).rejects.toThrow(InputError);
    await expect(noModel).rejects.toThrow(/vllm_benchmark_serving_sample\.json: no model id: the file has no "model_id"; .*--model/);
    await expect(vllmBenchConverter.convert(SEED_SAMPLE, context({ model: 'm' }))).rejects.toThrow(
      /no run date: the file has no "date".*--timestamp/,
    );

    const e = await vllmBenchConverter.convert(SEED_SAMPLE, context({ model: 'm', timestamp: '2026-01-01T00:00:00Z', suite: 'throughput' }));
    expect(validateEnvelope(e).issues).toEqual([]);
    expect(e.results.map((r) => `${r.name}:${r.metric}:${String(r.value)}:${r.unit}`)).toEqual([
      'request_throughput:throughput:1.664:req/s',
      'output_token_throughput:throughput:42.5:tok/s',
      'total_token_throughput:throughput:85.1:tok/s',
      'completed_requests:count:100:requests',
      'time_to_first_token_mean:latency:45.6:ms',
      'time_to_first_token_median:latency:42.1:ms',
      'time_to_first_token_std:latency_std:8.3:ms',
      'time_to_first_token_p99:latency:89.2:ms',
      'time_per_output_token_mean:latency:12.3:ms',
      'time_per_output_token_median:latency:11.8:ms',
      'time_per_output_token_std:latency_std:2.1:ms',
      'time_per_output_token_p99:latency:19.2:ms',
      'inter_token_latency_mean:latency:12.3:ms',
      'inter_token_latency_median:latency:11.8:ms',
      'inter_token_latency_std:latency_std:2.1:ms',
      'inter_token_latency_p99:latency:19.2:ms',
      'end_to_end_latency_mean:latency:3910.5:ms',
      'end_to_end_latency_median:latency:3845.2:ms',
      'end_to_end_latency_p99:latency:5120:ms',
    ]);
    // An aggregate over every request: never in the per-request decode_tokens_per_second field.
    expect(row(e, 'output_token_throughput')).toMatchObject({ value: 42.5 });
    expect(row(e, 'output_token_throughput')?.decode_tokens_per_second).toBeUndefined();
    expect(row(e, 'total_token_throughput')?.total_tokens_per_second).toBe(85.1);
    expect(row(e, 'time_to_first_token_p99')?.first_token_latency_ms).toBe(89.2);
    expect(row(e, 'time_to_first_token_std')?.first_token_latency_ms).toBeUndefined();
    expect(row(e, 'time_per_output_token_mean')?.first_token_latency_ms).toBeUndefined();
    expect(e.results.every((r) => r.duration_seconds === 60.12)).toBe(true);
  });

  it('vllm bench serve output: model id and date from the file, goodput, peak figures, pNN.N keys, tags', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'openai-chat-infqps-concurrency8-Qwen.json': benchServe });
    const e = await vllmBenchConverter.convert(join(dir, 'openai-chat-infqps-concurrency8-Qwen.json'), context({ suite: 'throughput' }));
    expect(validateEnvelope(e).issues).toEqual([]);
    expect(e.model).toBe('mlx-community/Qwen3.5-9B-MLX-4bit');
    expect(e.timestamp).toBe('2025-10-31T22:15:07.000Z');
    expect(row(e, 'request_goodput')).toMatchObject({ value: 3.5, unit: 'req/s', metric: 'throughput' });
    expect(row(e, 'peak_output_token_throughput')?.value).toBe(640);
    expect(row(e, 'failed_requests')?.value).toBe(2);
    expect(row(e, 'time_to_first_token_p99.9')).toMatchObject({ value: 300, first_token_latency_ms: 300 });
    expect(row(e, 'time_to_first_token_p50')?.tags?.statistic).toBe('p50');
    expect(row(e, 'request_throughput')?.tags).toMatchObject({
      endpoint_type: 'openai-chat',
      request_rate: 'inf',
      max_concurrency: '8',
      num_prompts: '200',
      source_date: '20251031-221507',
      total_output_tokens: '25344',
      vllm_key: 'request_throughput',
    });
    // per-request arrays of --save-detailed are not results
    expect(e.results.some((r) => /lens|ttfts|texts/.test(r.tags?.vllm_key ?? ''))).toBe(false);
  });

  it('older files spell goodput "request_goodput:"; null goodput (no SLO given) is no result', async () => {
    const dir = await tempDir();
    const { request_goodput: goodput, ...rest } = benchServe;
    await writeFiles(dir, { 'old.json': { ...rest, backend: 'vllm', 'request_goodput:': goodput }, 'none.json': { ...rest, 'request_goodput:': null } });
    const old = await vllmBenchConverter.convert(join(dir, 'old.json'), context());
    expect(row(old, 'request_goodput')).toMatchObject({ value: 3.5, tags: { vllm_key: 'request_goodput:', backend: 'vllm' } });
    const none = await vllmBenchConverter.convert(join(dir, 'none.json'), context());
    expect(row(none, 'request_goodput')).toBeUndefined();
    expect(none.errors).toEqual([]);
  });

  it('a date that is not vllm\'s format is an error naming the field (unless --timestamp is given)', async () => {
    const dir = await tempDir();
    await writeFiles(dir, { 'r.json': { ...benchServe, date: 'yesterday' } });
    await expect(vllmBenchConverter.convert(join(dir, 'r.json'), context())).rejects.toThrow(/r\.json: \$\.date must be a date like "20250101-120000", got "yesterday"/);
    const e = await vllmBenchConverter.convert(join(dir, 'r.json'), context({ timestamp: '2026-01-02T03:04:05Z' }));
    expect(e.timestamp).toBe('2026-01-02T03:04:05Z');
  });

  it('vllmDate parses only real YYYYMMDD-HHMMSS dates', () => {
    expect(vllmDate('20250101-120000')).toBe('2025-01-01T12:00:00.000Z');
    expect(vllmDate('20251340-120000')).toBeUndefined();
    expect(vllmDate('2025-01-01')).toBeUndefined();
    expect(vllmDate(20250101)).toBeUndefined();
  });
});
