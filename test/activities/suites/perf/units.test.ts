// Pure parts of the perf suites: config defaults and errors, prompt sizing, arrival schedules,
// histogram summaries, result naming.
import { describe, expect, it } from 'vitest';
import { checkWithSpec, loadWithSpec } from '../../../../activities/config/config-spec.js';
import { perfConfigSpec, type PerfSuiteName } from '../../../../activities/suites/perf/config.js';

const perfConfigFrom = (suite: PerfSuiteName, raw: unknown, source = 'test') => checkWithSpec(perfConfigSpec(suite), raw, source);
import { promptMessages, seededRandom, wordsForTokens, words } from '../../../../activities/suites/perf/prompt.js';
import { arrivalOffsets, runSchedule } from '../../../../activities/suites/perf/schedule.js';
import { Distribution } from '../../../../activities/suites/perf/statistics.js';
import { cellErrors, cellResults } from '../../../../activities/suites/perf/results.js';
import type { CellSummary } from '../../../../activities/suites/perf/cell.js';
import { validateEnvelope } from '../../../../activities/envelope/validate.js';

describe('perf config', () => {
  it('fills per-suite defaults and keeps what was given', () => {
    expect(perfConfigFrom('ttft', {})).toMatchObject({ prompt_tokens: [128, 512, 2048, 8192], concurrency: [1], max_tokens: 16, ignore_eos: true });
    const given = { concurrency: [1, 64], max_tokens: 64 };
    expect(perfConfigFrom('throughput', given)).toMatchObject({ prompt_tokens: [512], concurrency: [1, 64], max_tokens: 64, repeats: 4 });
    expect(given).toEqual({ concurrency: [1, 64], max_tokens: 64 }); // the caller's object is not filled in
  });

  it('ships config files that load and match the built-in defaults', async () => {
    expect(await loadWithSpec(perfConfigSpec('throughput'), 'configs/nightshift/throughput.toml')).toEqual(perfConfigFrom('throughput', {}));
    expect(await loadWithSpec(perfConfigSpec('ttft'), 'configs/nightshift/ttft.toml')).toEqual(perfConfigFrom('ttft', {}));
  });

  it('rejects unknown keys and wrong types naming the key', () => {
    expect(() => perfConfigFrom('throughput', { concurency: [1] }, 'sweep.toml [suites.throughput]')).toThrow(
      /sweep\.toml \[suites\.throughput\].*concurency: unknown key "concurency" \(allowed here: prompt_tokens, max_tokens, concurrency/s,
    );
    expect(() => perfConfigFrom('ttft', { prompt_tokens: [0] })).toThrow(/prompt_tokens\.0: must be >= 1/);
    expect(() => perfConfigFrom('ttft', { arrival: 'burst' })).toThrow(/arrival: must be one of "uniform", "poisson"/);
  });
});

describe('prompts', () => {
  it('sizes prompts from the calibration line and salts every prompt', () => {
    expect(wordsForTokens(512, { overhead: 12, perWord: 1, estimated: false })).toBe(500);
    expect(wordsForTokens(2048, { overhead: 8, perWord: 2, estimated: false })).toBe(1020);
    expect(wordsForTokens(3, { overhead: 20, perWord: 1, estimated: false })).toBe(1);
    expect(words(50, seededRandom(1)).split(' ')).toHaveLength(50);
    expect(words(20, seededRandom(7))).toBe(words(20, seededRandom(7)));
    const a = promptMessages(10, seededRandom(1))[0]!.content!;
    const b = promptMessages(10, seededRandom(1))[0]!.content!;
    expect(a.slice(0, 20)).not.toBe(b.slice(0, 20)); // same words, different salt at the very start
    expect(a.slice(19)).toBe(b.slice(19));
  });
});

describe('schedule', () => {
  it('spaces open-loop arrivals uniformly or as a seeded Poisson process', () => {
    expect(arrivalOffsets(4, 10)).toEqual([0, 100, 200, 300]);
    const p = arrivalOffsets(2000, 100, 'poisson', 3);
    expect(p).toEqual(arrivalOffsets(2000, 100, 'poisson', 3));
    const meanGap = p.at(-1)! / (p.length - 1);
    expect(meanGap).toBeGreaterThan(8);
    expect(meanGap).toBeLessThan(12);
  });

  it('closed loop keeps at most `concurrency` in flight and sends every index once', async () => {
    let inFlight = 0;
    let peak = 0;
    const seen: number[] = [];
    await runSchedule({ count: 25, concurrency: 4 }, async (i, intendedAt) => {
      expect(intendedAt).toBeLessThanOrEqual(performance.now());
      inFlight++;
      peak = Math.max(peak, inFlight);
      seen.push(i);
      await new Promise((r) => setTimeout(r, 1));
      inFlight--;
    });
    expect(peak).toBe(4);
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(25).keys()]);
  });

  it('open loop never sends before the intended time and stops at the first failure', async () => {
    const lags: number[] = [];
    await runSchedule({ count: 5, concurrency: 2, rate: 200 }, (_i, intendedAt) => {
      lags.push(performance.now() - intendedAt);
      return Promise.resolve();
    });
    expect(lags).toHaveLength(5);
    expect(Math.min(...lags)).toBeGreaterThanOrEqual(0);
    let sent = 0;
    await expect(
      runSchedule({ count: 50, concurrency: 1, rate: 1000 }, (i) => {
        sent++;
        return i === 2 ? Promise.reject(new Error('boom')) : Promise.resolve();
      }),
    ).rejects.toThrow('boom');
    expect(sent).toBe(3);
  });
});

describe('Distribution', () => {
  it('summarises with 3 significant digits in the unit recorded', () => {
    const d = new Distribution();
    expect(d.summary()).toBeUndefined();
    for (let i = 1; i <= 1000; i++) d.record(i / 10); // 0.1 … 100 ms
    const s = d.summary()!;
    expect(s.count).toBe(1000);
    expect(s.p50).toBeCloseTo(50, 1);
    expect(s.p99).toBeCloseTo(99, 0);
    expect(s.max).toBeCloseTo(100, 0);
    expect(s.min).toBeCloseTo(0.1, 3);
    expect(s.mean).toBeCloseTo(50.05, 1);
  });
});

const cell: CellSummary = {
  key: 'p512_c4',
  prompt_tokens: 512,
  concurrency: 4,
  max_tokens: 64,
  requests: 8,
  succeeded: 7,
  failures: { rate_limited: { count: 1, example: 'rate_limited: HTTP 429: too many' } },
  wall_seconds: 2,
  prompt_tokens_mean: 513,
  prompt_tokens_total: 3591,
  completion_tokens_total: 448,
  tokens_estimated: false,
  ttft_ms: { count: 7, mean: 51, min: 50, max: 55, p50: 50.5, p90: 54, p99: 55 },
  e2e_ms: { count: 7, mean: 700, min: 690, max: 720, p50: 701, p90: 710, p99: 720 },
  itl_ms: { count: 441, mean: 10, min: 9, max: 12, p50: 10, p90: 11, p99: 12 },
  schedule_lag_ms: { count: 8, mean: 0.1, min: 0, max: 0.3, p50: 0.1, p90: 0.2, p99: 0.3 },
  decode_tok_per_sec: { count: 7, mean: 99, min: 95, max: 101, p50: 100, p90: 101, p99: 101 },
  prefill_tok_per_sec: { count: 7, mean: 10000, min: 9000, max: 10300, p50: 10150, p90: 10250, p99: 10300 },
  output_tok_per_sec: 224,
  total_tok_per_sec: 2019.5,
};

describe('results', () => {
  it('names results readably and fills the first-class field that matches each value', () => {
    const r = cellResults('throughput', cell);
    const byName = new Map(r.map((x) => [x.name, x]));
    expect([...byName.keys()]).toEqual([
      'ttft_ms_p512_c4',
      'ttft_ms_p512_c4_p99',
      'prefill_tok_per_sec_p512_c4',
      'decode_tok_per_sec_p512_c4',
      'itl_ms_p512_c4',
      'itl_ms_p512_c4_p99',
      'e2e_latency_ms_p512_c4',
      'e2e_latency_ms_p512_c4_p99',
      'output_tok_per_sec_p512_c4',
      'schedule_lag_ms_p512_c4',
      'schedule_lag_ms_p512_c4_p99',
      'failed_requests_p512_c4',
    ]);
    expect(byName.get('ttft_ms_p512_c4')).toMatchObject({ value: 50.5, unit: 'ms', first_token_latency_ms: 50.5, prompt_tokens_per_second: 10150, duration_seconds: 2 });
    expect(byName.get('ttft_ms_p512_c4')!.tags).toMatchObject({ statistic: 'median', p99: '55', samples: '7', prompt_tokens_measured: '513', concurrency: '4' });
    expect(byName.get('decode_tok_per_sec_p512_c4')).toMatchObject({ value: 100, decode_tokens_per_second: 100 });
    expect(byName.get('output_tok_per_sec_p512_c4')).toMatchObject({ value: 224, decode_tokens_per_second: 224, total_tokens_per_second: 2019.5 });
    expect(byName.get('failed_requests_p512_c4')).toMatchObject({ value: 1, unit: 'count', tags: { errors_rate_limited: '1' } });
    expect(r[0]!.raw).toEqual({ cell });
    expect(cellErrors(cell)).toEqual(['p512_c4: 1 of 8 requests failed with rate_limited (e.g. rate_limited: HTTP 429: too many)']);
    // The ttft suite reports only first-token figures and the lag.
    expect(cellResults('ttft', cell).map((x) => x.name)).toEqual([
      'ttft_ms_p512_c4',
      'ttft_ms_p512_c4_p99',
      'prefill_tok_per_sec_p512_c4',
      'schedule_lag_ms_p512_c4',
      'schedule_lag_ms_p512_c4_p99',
      'failed_requests_p512_c4',
    ]);
    const env = { schema_version: '1', timestamp: '2026-11-23T03:00:00Z', git_sha: 'abcdef1', trigger: 'local', suite: 'throughput', model: 'sim-x', system: { os: 'Linux', chip: 'x', memory_gb: 24 }, results: r };
    expect(validateEnvelope(env).issues).toEqual([]);
  });
});
