// What the perf figures mean, end to end against the in-test streaming server made to look like
// llama-server where needed: ITL per request (not per network read), prefill from the server's own
// timings with the queueing in front of it reported apart, the server's slots and context read before
// measuring, and the client's event-loop lag beside every cell.
import { afterEach, describe, expect, it } from 'vitest';
import type { EnvelopeResult } from '../../../../workflows/shared/envelope.js';
import { perfContext, problems, throughputSuite, ttftSuite } from '../../../support/perf-suites.js';
import { ITL_DEFINITIONS } from '../../../../activities/suites/perf/results.js';
import { closeFakes, fake, fakePromptTokens } from './fake-openai.js';

afterEach(closeFakes);

const find = (results: EnvelopeResult[], name: string): EnvelopeResult => {
  const r = results.find((x) => x.name === name);
  if (!r) throw new Error(`no result ${name} in ${results.map((x) => x.name).join(', ')}`);
  return r;
};

describe('ITL', () => {
  it('is per request, from the server token count: two tokens in one read are not a 0 ms gap', async () => {
    // Two tokens per write: half of the gaps between token-carrying reads are 0 ms by construction.
    const f = await fake(undefined, { tokensPerWrite: 2 });
    const outcome = await throughputSuite(perfContext(f.url, { prompt_tokens: [32], concurrency: [1], max_tokens: 10, repeats: 3, warmup_rounds: 0 }));
    const itl = find(outcome.results, 'itl_ms_p32_c1');
    const gaps = find(outcome.results, 'chunk_gap_ms_p32_c1');
    expect(gaps.tags).toMatchObject({ samples: '27', min: '0', itl_definition: ITL_DEFINITIONS.chunk_gap_ms });
    expect(gaps.value).toBe(0); // 5 of every 9 gaps (five reads of two tokens) are 0: so is their median
    expect(itl.tags).toMatchObject({ samples: '3', itl_definition: ITL_DEFINITIONS.itl_ms });
    expect(itl.value).toBeGreaterThan(0);
    expect(Number(itl.tags!.min)).toBeGreaterThan(0);
    // decode tok/s is the same figure per request: 1000 ÷ ITL.
    const decode = find(outcome.results, 'decode_tok_per_sec_p32_c1');
    expect(Number(decode.tags!.max) * Number(itl.tags!.min)).toBeCloseTo(1000, -1); // tags are rounded to 3 decimals
  });
});

describe('prefill and queue', () => {
  it('takes prefill from the server timings and reports the time before prefill as queue_ms', async () => {
    // The server says it spent 0.5 ms on the prompt: prefill is exactly prompt_n ÷ 0.5 ms.
    const f = await fake(undefined, { timings: (n) => ({ prompt_n: n, prompt_ms: 0.5, predicted_n: 4, predicted_ms: 4 }) });
    const outcome = await ttftSuite(perfContext(f.url, { prompt_tokens: [200], repeats: 3, max_tokens: 4 }));
    expect(problems(outcome)).toEqual([]);
    const prefill = find(outcome.results, 'prefill_tok_per_sec_p200_c1');
    expect(prefill).toMatchObject({ value: 400_000, prompt_tokens_per_second: 400_000, tags: { prefill_source: 'server_timings', samples: '3' } });
    const ttft = find(outcome.results, 'ttft_ms_p200_c1');
    const queue = find(outcome.results, 'queue_ms_p200_c1');
    expect(queue).toMatchObject({ unit: 'ms', metric: 'latency', tags: { samples: '3', better: 'lower' } });
    // queue = TTFT − prompt_ms per request, so their medians differ by the server's 0.5 ms.
    expect(queue.value).toBeCloseTo(Math.max(0, ttft.value - 0.5), 2);
    expect(fakePromptTokens(f.requests.at(-1)!)).toBe(200);
  });
});

describe('server limits', () => {
  it('reads slots and per-slot context first: skips what cannot fit (never sent) and warns about queueing', async () => {
    const f = await fake(undefined, {
      props: { total_slots: 2, default_generation_settings: { n_ctx: 300 } },
      timings: (n) => ({ prompt_n: n, prompt_ms: 1 }),
    });
    const ctx = perfContext(f.url, { prompt_tokens: [64, 400], concurrency: [1, 3], max_tokens: 5, repeats: 1, warmup_rounds: 0 });
    const outcome = await throughputSuite(ctx);
    // No request of a 400-token prompt reached the server (the calibration probes shrank to fit 300).
    expect(Math.max(...f.requests.map(fakePromptTokens))).toBeLessThanOrEqual(300);
    expect(f.requests.filter((r) => r.max_tokens === 5)).toHaveLength(4); // p64 c1 + c3 only
    const skipped = outcome.results.filter((r) => r.tags?.cell_status === 'skipped');
    expect(skipped.map((r) => [r.name, r.value])).toEqual([
      ['skipped_requests_p400_c1', 1],
      ['skipped_requests_p400_c3', 3],
    ]);
    expect(outcome.results.some((r) => r.name.startsWith('ttft_ms_p400'))).toBe(false);
    const reason = 'needs 405 tokens of context (prompt 400 + max_tokens 5) but the server gives a request 300 (llama.cpp /props)';
    expect(skipped[0]!.tags!.skip_reason).toBe(reason);
    expect(problems(outcome)).toEqual([
      "concurrency 3 exceeds the server's 2 parallel slots (llama.cpp /props): requests beyond 2 wait in the server's queue; that wait is reported as queue_ms and is part of TTFT, not of prefill",
      `p400_c1: skipped, nothing sent: ${reason}`,
      `p400_c3: skipped, nothing sent: ${reason}`,
    ]);
    expect(outcome.incomplete).toEqual({ reason: `2 of 4 cells produced no measurement: p400_c1 skipped (${reason}); p400_c3 skipped (${reason})` });
    expect(find(outcome.results, 'ttft_ms_p64_c3').tags).toMatchObject({ server_slots: '2', exceeds_server_slots: 'true' });
    expect(find(outcome.results, 'ttft_ms_p64_c1').tags).toMatchObject({ server_slots: '2' });
    expect(find(outcome.results, 'ttft_ms_p64_c1').tags!.exceeds_server_slots).toBeUndefined();
    expect(ctx.progress.at(-1)).toMatchObject({ completed: 8, total: 8 });
  });
});

describe('connection retries', () => {
  it('are counted per cell: a server dropping kept-alive connections costs no failed request', async () => {
    // The second measured request (after two calibration probes) finds its connection dead: destroyed
    // before any response byte, as a server that dropped a kept-alive connection does.
    const f = await fake((n, res) => {
      if (n !== 4) return false;
      res.socket!.destroy();
      return true;
    });
    const outcome = await throughputSuite(perfContext(f.url, { prompt_tokens: [32], concurrency: [1], max_tokens: 3, repeats: 4, warmup_rounds: 0 }));
    const ttft = find(outcome.results, 'ttft_ms_p32_c1');
    expect(ttft.tags).toMatchObject({ succeeded: '4', requests: '4' });
    expect(ttft.tags!.connection_retries).toBe('1');
    expect(f.requests).toHaveLength(2 + 4 + 1);
    expect(outcome.results.some((r) => r.name.startsWith('failed_requests'))).toBe(false);
  });
});

describe('event-loop lag', () => {
  it('is reported beside schedule lag, and a client too busy to measure is flagged', async () => {
    const f = await fake();
    // Every finished request blocks this process for 30 ms: far above a tenth of the fake's ~1 ms ITL.
    const busy = (): void => {
      const until = performance.now() + 30;
      while (performance.now() < until) {
        // spinning on purpose: the event loop cannot run
      }
    };
    const outcome = await throughputSuite(perfContext(f.url, { prompt_tokens: [32], concurrency: [2], max_tokens: 6, repeats: 2, warmup_rounds: 0 }, { onProgress: busy }));
    const lag = find(outcome.results, 'event_loop_lag_ms_p32_c2_p99');
    expect(lag).toMatchObject({ metric: 'client_lag', unit: 'ms', tags: { client_busy: 'true', statistic: 'p99' } });
    expect(lag.value).toBeGreaterThan(find(outcome.results, 'itl_ms_p32_c2').value / 10);
    expect(outcome.errors).toContainEqual(expect.stringMatching(/^p32_c2: client too busy to measure: event-loop lag p99 [\d.]+ ms is above 10 % of the ITL median/));
    expect(find(outcome.results, 'schedule_lag_ms_p32_c2')).toBeDefined();
  });
});
