// Pure parts of the perf suites: config defaults and errors, prompt sizing, arrival schedules,
// histogram summaries, result naming.
import { describe, expect, it } from 'vitest';
import { checkWithSpec, loadWithSpec } from '../../../../activities/config/config-spec.js';
import { perfConfigSpec, type PerfSuiteName } from '../../../../activities/suites/perf/config.js';

const perfConfigFrom = (suite: PerfSuiteName, raw: unknown, source = 'test') => checkWithSpec(perfConfigSpec(suite), raw, source);
import { promptMessages, seededRandom, wordsForTokens, words } from '../../../../activities/suites/perf/prompt.js';
import { arrivalOffsets, runSchedule } from '../../../../activities/suites/perf/schedule.js';
import { Distribution, exactPercentile } from '../../../../activities/suites/perf/statistics.js';
import { cellErrors, cellResults, ITL_DEFINITIONS } from '../../../../activities/suites/perf/results.js';
import { skippedCell, type CellSummary } from '../../../../activities/suites/perf/cell.js';
import { contextSkipReason, slotsWarning } from '../../../../activities/suites/perf/plan.js';
import { estimateRun, formatDuration } from '../../../../activities/suites/perf/estimate.js';
import { probeWordCounts } from '../../../../activities/suites/perf/prompt.js';
import { clientBusy } from '../../../../activities/suites/perf/event-loop-lag.js';
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

  it('bounds every number and says the bound', () => {
    const refused: Array<[Record<string, unknown>, RegExp]> = [
      [{ concurrency: [1, 100_000] }, /concurrency\.1: must be <= 1024/],
      [{ prompt_tokens: [3_000_000] }, /prompt_tokens\.0: must be <= 2097152/],
      [{ max_tokens: 2_000_000 }, /max_tokens: must be <= 1048576/],
      [{ repeats: 10_001 }, /repeats: must be <= 10000/],
      [{ warmup_rounds: 101 }, /warmup_rounds: must be <= 100/],
      [{ request_rate: 1e6 }, /request_rate: must be <= 100000/],
      [{ temperature: 3 }, /temperature: must be <= 2/],
      [{ request_timeout_s: 86_401 }, /request_timeout_s: must be <= 86400/],
      [{ connect_timeout_s: 1e9 }, /connect_timeout_s: must be <= 86400/],
      [{ seed: 2 ** 32 }, /seed: must be <= 4294967295/],
      [{ concurrency: Array.from({ length: 65 }, (_, i) => i + 1) }, /concurrency: must NOT have more than 64 items/],
    ];
    for (const [raw, message] of refused) expect(() => perfConfigFrom('throughput', raw)).toThrow(message);
    expect(perfConfigFrom('throughput', { concurrency: [1024], max_tokens: 1_048_576, request_timeout_s: 86_400 })).toMatchObject({ concurrency: [1024] });
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
  it('keeps small samples exactly: the median of an even count is the mean of the two middle values', () => {
    const d = new Distribution();
    expect(d.summary()).toBeUndefined();
    for (const v of [40, 10, 30, 20]) d.record(v);
    expect(d.summary()).toEqual({ count: 4, mean: 25, min: 10, max: 40, p50: 25, p90: 37, p99: 39.7, method: 'exact' });
    const two = new Distribution();
    two.record(100);
    two.record(101);
    expect(two.summary()).toMatchObject({ p50: 100.5, p99: 100.99, min: 100, max: 101 });
    const one = new Distribution();
    one.record(7.25);
    expect(one.summary()).toMatchObject({ p50: 7.25, p90: 7.25, p99: 7.25 });
  });

  it('interpolates between closest ranks and never leaves [min, max]', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(exactPercentile(sorted, 50)).toBe(5.5);
    expect(exactPercentile(sorted, 90)).toBeCloseTo(9.1, 10);
    expect(exactPercentile(sorted, 0)).toBe(1);
    expect(exactPercentile(sorted, 100)).toBe(10);
    expect(exactPercentile(sorted, 150)).toBe(10);
  });

  it('moves to an HDR histogram past the exact limit, with percentiles clamped to the exact min and max', () => {
    const d = new Distribution(1000, 100);
    for (let i = 1; i <= 1000; i++) d.record(i / 10); // 0.1 … 100 ms
    const s = d.summary()!;
    expect(s.method).toBe('hdr');
    expect(s.count).toBe(1000);
    expect(s.p50).toBeCloseTo(50, 1);
    expect(s.p99).toBeCloseTo(99, 0);
    expect(s.max).toBe(100);
    expect(s.min).toBe(0.1);
    expect(s.mean).toBeCloseTo(50.05, 10);
    const same = new Distribution(1000, 1);
    for (let i = 0; i < 50; i++) same.record(1.2345);
    const t = same.summary()!;
    expect([t.p50, t.p99]).toEqual([1.2345, 1.2345]); // the bucket's own value would be above the max
  });
});

const cell: CellSummary = {
  key: 'p512_c4',
  prompt_tokens: 512,
  concurrency: 4,
  max_tokens: 64,
  requests: 8,
  succeeded: 7,
  failures: { rate_limited: { count: 1, example: 'rate_limited: HTTP 429: too many', status: 429, server_message: 'too many' } },
  wall_seconds: 2,
  prompt_tokens_mean: 513,
  prompt_tokens_total: 3591,
  completion_tokens_total: 448,
  tokens_estimated: false,
  connection_retries: 1,
  server_slots: 2,
  ttft_ms: { count: 7, mean: 51, min: 50, max: 55, p50: 50.5, p90: 54, p99: 55, method: 'exact' },
  queue_ms: { count: 7, mean: 20, min: 0, max: 30, p50: 25, p90: 29, p99: 30, method: 'exact' },
  e2e_ms: { count: 7, mean: 700, min: 690, max: 720, p50: 701, p90: 710, p99: 720, method: 'exact' },
  itl_ms: { count: 7, mean: 10, min: 9, max: 12, p50: 10, p90: 11, p99: 12, method: 'exact' },
  chunk_gap_ms: { count: 441, mean: 9.9, min: 0, max: 20, p50: 10, p90: 11, p99: 19, method: 'exact' },
  schedule_lag_ms: { count: 8, mean: 0.1, min: 0, max: 0.3, p50: 0.1, p90: 0.2, p99: 0.3, method: 'exact' },
  event_loop_lag_ms: { count: 2000, mean: 0.1, min: 0, max: 0.9, p50: 0.1, p90: 0.2, p99: 0.5, method: 'hdr' },
  decode_tok_per_sec: { count: 7, mean: 99, min: 95, max: 101, p50: 100, p90: 101, p99: 101, method: 'exact' },
  prefill_tok_per_sec: { count: 6, mean: 10000, min: 9000, max: 10300, p50: 10150, p90: 10250, p99: 10300, method: 'exact' },
  prefill_source: 'server_timings',
  output_tok_per_sec: 224,
  total_tok_per_sec: 2019.5,
};

const FIELDS = ['first_token_latency_ms', 'prompt_tokens_per_second', 'decode_tokens_per_second', 'total_tokens_per_second'] as const;

describe('results', () => {
  it('names results readably; each row is one figure with its own sample count', () => {
    const r = cellResults('throughput', cell);
    const byName = new Map(r.map((x) => [x.name, x]));
    expect([...byName.keys()]).toEqual([
      'ttft_ms_p512_c4',
      'ttft_ms_p512_c4_p99',
      'prefill_tok_per_sec_p512_c4',
      'queue_ms_p512_c4',
      'queue_ms_p512_c4_p99',
      'decode_tok_per_sec_p512_c4',
      'itl_ms_p512_c4',
      'itl_ms_p512_c4_p99',
      'chunk_gap_ms_p512_c4',
      'chunk_gap_ms_p512_c4_p99',
      'e2e_latency_ms_p512_c4',
      'e2e_latency_ms_p512_c4_p99',
      'output_tok_per_sec_p512_c4',
      'total_tok_per_sec_p512_c4',
      'schedule_lag_ms_p512_c4',
      'schedule_lag_ms_p512_c4_p99',
      'event_loop_lag_ms_p512_c4',
      'event_loop_lag_ms_p512_c4_p99',
      'failed_requests_p512_c4',
    ]);
    expect(byName.get('ttft_ms_p512_c4')).toMatchObject({ value: 50.5, unit: 'ms', first_token_latency_ms: 50.5, duration_seconds: 2 });
    expect(byName.get('ttft_ms_p512_c4')!.tags).toMatchObject({
      statistic: 'median',
      p99: '55',
      samples: '7',
      percentiles: 'exact',
      prompt_tokens_measured: '513',
      concurrency: '4',
      connection_retries: '1',
      server_slots: '2',
      exceeds_server_slots: 'true',
    });
    // n beside each figure: the prefill median rests on 6 values, the chunk gaps on 441, the aggregate on 7 replies.
    expect(byName.get('prefill_tok_per_sec_p512_c4')).toMatchObject({ value: 10150, prompt_tokens_per_second: 10150, tags: { samples: '6', prefill_source: 'server_timings' } });
    expect(byName.get('chunk_gap_ms_p512_c4')!.tags).toMatchObject({ samples: '441', itl_definition: ITL_DEFINITIONS.chunk_gap_ms });
    expect(byName.get('itl_ms_p512_c4')!.tags).toMatchObject({ samples: '7', itl_definition: ITL_DEFINITIONS.itl_ms });
    expect(byName.get('output_tok_per_sec_p512_c4')!.tags).toMatchObject({ samples: '7', statistic: 'aggregate' });
    expect(byName.get('event_loop_lag_ms_p512_c4')).toMatchObject({ metric: 'client_lag', value: 0.1, tags: { samples: '2000', percentiles: 'hdr' } });
    expect(byName.get('failed_requests_p512_c4')).toMatchObject({ value: 1, unit: 'count', tags: { errors_rate_limited: '1', samples: '8' } });
    for (const row of r) expect(row.tags?.samples).toMatch(/^\d+$/);
    expect(r[0]!.raw).toEqual({ cell });
    expect(cellErrors('throughput', cell)).toEqual(['p512_c4: 1 of 8 requests failed with rate_limited (e.g. rate_limited: HTTP 429: too many)']);
    // The ttft suite reports only first-token figures and the lags.
    expect(cellResults('ttft', cell).map((x) => x.name)).toEqual([
      'ttft_ms_p512_c4',
      'ttft_ms_p512_c4_p99',
      'prefill_tok_per_sec_p512_c4',
      'queue_ms_p512_c4',
      'queue_ms_p512_c4_p99',
      'schedule_lag_ms_p512_c4',
      'schedule_lag_ms_p512_c4_p99',
      'event_loop_lag_ms_p512_c4',
      'event_loop_lag_ms_p512_c4_p99',
      'failed_requests_p512_c4',
    ]);
    const env = { schema_version: '1', timestamp: '2026-11-23T03:00:00Z', git_sha: 'abcdef1', trigger: 'local', suite: 'throughput', model: 'sim-x', system: { os: 'Linux', chip: 'x', memory_gb: 24 }, results: r };
    expect(validateEnvelope(env).issues).toEqual([]);
  });

  it('fills a first-class field only with the row\'s own value: decode_tokens_per_second is the per-request median', () => {
    const r = cellResults('throughput', cell);
    for (const row of r) {
      const filled = FIELDS.filter((f) => row[f] !== undefined);
      expect(filled.length).toBeLessThanOrEqual(1);
      for (const f of filled) expect(row[f]).toBe(row.value);
    }
    const byName = new Map(r.map((x) => [x.name, x]));
    expect(byName.get('decode_tok_per_sec_p512_c4')).toMatchObject({ value: 100, decode_tokens_per_second: 100 });
    expect(byName.get('output_tok_per_sec_p512_c4')!.decode_tokens_per_second).toBeUndefined();
    expect(byName.get('total_tok_per_sec_p512_c4')).toMatchObject({ value: 2019.5, total_tokens_per_second: 2019.5 });
    expect(r.filter((x) => x.decode_tokens_per_second !== undefined).map((x) => x.name)).toEqual(['decode_tok_per_sec_p512_c4']);
  });

  it('a cell without a single reply publishes its failed count only, and a skipped cell says why', () => {
    const failed: CellSummary = {
      key: 'p64_c2',
      prompt_tokens: 64,
      concurrency: 2,
      max_tokens: 256,
      requests: 6,
      succeeded: 0,
      failures: { http_server_error: { count: 6, example: 'http_server_error: HTTP 500 from http://h/v1/chat/completions: boom', status: 500, server_message: 'boom' } },
      wall_seconds: 0.5,
      prompt_tokens_total: 0,
      completion_tokens_total: 0,
      tokens_estimated: false,
    };
    const rows = cellResults('throughput', failed);
    expect(rows.map((x) => [x.name, x.value, x.tags?.cell_status])).toEqual([['failed_requests_p64_c2', 6, 'failed']]);
    expect(cellErrors('throughput', failed)).toEqual([
      'p64_c2: every request failed, so the cell reports no figures',
      'p64_c2: 6 of 6 requests failed with http_server_error (e.g. http_server_error: HTTP 500 from http://h/v1/chat/completions: boom)',
    ]);
    const skipped = skippedCell({ promptTokens: 4096, concurrency: 1 }, perfConfigFrom('throughput', {}), 'needs 4352 tokens');
    const skippedRows = cellResults('throughput', skipped);
    expect(skippedRows.map((x) => [x.name, x.value, x.unit, x.tags?.cell_status, x.tags?.skip_reason])).toEqual([['skipped_requests_p4096_c1', 4, 'count', 'skipped', 'needs 4352 tokens']]);
    expect(cellErrors('throughput', skipped)).toEqual(['p4096_c1: skipped, nothing sent: needs 4352 tokens']);
  });

  it('flags a cell whose client was too busy to measure its figures', () => {
    const busyCell = { ...cell, event_loop_lag_ms: { ...cell.event_loop_lag_ms!, p99: 1.5 } };
    expect(cellResults('throughput', busyCell)[0]!.tags).toMatchObject({ client_busy: 'true' });
    expect(cellErrors('throughput', busyCell).at(-1)).toBe(
      'p512_c4: client too busy to measure: event-loop lag p99 1.50 ms is above 10 % of the ITL median 10.00 ms, so its figures include the client\'s own delay',
    );
    // The ttft suite compares with TTFT (50.5 ms): 1.5 ms is well within.
    expect(cellErrors('ttft', busyCell)).toHaveLength(1);
    expect(clientBusy(undefined, 10, 'ITL')).toBeUndefined();
    expect(clientBusy(cell.event_loop_lag_ms, undefined, 'ITL')).toBeUndefined();
  });
});

describe('plan', () => {
  const config = perfConfigFrom('throughput', { prompt_tokens: [512, 2048], concurrency: [1, 2, 4], max_tokens: 256 });

  it('skips a cell whose prompt plus max_tokens cannot fit the context a request gets', () => {
    const limits = { contextTokens: 2048, slots: 2, source: 'llama.cpp /props' };
    expect(contextSkipReason({ promptTokens: 512, concurrency: 1 }, config, limits)).toBeUndefined();
    expect(contextSkipReason({ promptTokens: 1792, concurrency: 1 }, config, limits)).toBeUndefined(); // exactly 2048
    expect(contextSkipReason({ promptTokens: 2048, concurrency: 1 }, config, limits)).toBe(
      'needs 2304 tokens of context (prompt 2048 + max_tokens 256) but the server gives a request 2048 (llama.cpp /props)',
    );
    expect(contextSkipReason({ promptTokens: 1e6, concurrency: 1 }, config, {})).toBeUndefined(); // a server that does not say
  });

  it('warns when concurrency exceeds the server\'s slots', () => {
    expect(slotsWarning(config, { slots: 2, source: 'llama.cpp /props' })).toBe(
      "concurrency 4 exceeds the server's 2 parallel slots (llama.cpp /props): requests beyond 2 wait in the server's queue; that wait is reported as queue_ms and is part of TTFT, not of prefill",
    );
    expect(slotsWarning(config, { slots: 4 })).toBeUndefined();
    expect(slotsWarning(config, {})).toBeUndefined();
  });

  it('shrinks the calibration probes to a small context', () => {
    expect(probeWordCounts()).toEqual([64, 576]);
    expect(probeWordCounts(2048)).toEqual([64, 576]);
    expect(probeWordCounts(512)).toEqual([28, 224]);
    expect(probeWordCounts(64)).toEqual([2, 8]);
  });

  it('estimates the run from the probe speed, the slots and the skipped cells', () => {
    const speed = { decodeTokensPerSecond: 100, prefillTokensPerSecond: 1000 };
    const small = perfConfigFrom('throughput', { prompt_tokens: [1000], concurrency: [1, 4], max_tokens: 100, repeats: 2, warmup_rounds: 1, calibrate_prompts: false });
    // One request: 1000/1000 + 100/100 = 2 s. c1: 3 rounds × 2 s; c4 on 2 slots: 3 rounds × 2 waves × 2 s.
    expect(estimateRun(small, speed, { slots: 2 })).toEqual({ seconds: 6 + 12, cells: 2, requests: 3 + 12, skippedCells: 0 });
    expect(estimateRun(small, speed, {}).seconds).toBe(6 + 6);
    expect(estimateRun(small, speed, { contextTokens: 1000 })).toMatchObject({ seconds: 0, cells: 0, skippedCells: 2 });
    const open = { ...small, concurrency: [4], request_rate: 1 };
    // 8 measured requests at 1/s: at least 8 s + one request, beside 1 warm-up round of 2 s.
    expect(estimateRun(open, speed, {}).seconds).toBe(2 + 8 + 2);
    expect(formatDuration(12.4)).toBe('12 s');
    expect(formatDuration(200)).toBe('3 min 20 s');
    expect(formatDuration(3900)).toBe('1 h 5 min');
  });
});
