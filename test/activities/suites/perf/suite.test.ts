// The perf suites end to end against a small real streaming server written here (the simulated endpoint
// has its own integration test): results, progress, journal resume without re-measuring, failures
// counted per class, unreachable endpoint, cancellation.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openJournal } from '../../../../activities/journal/journal.js';
import { perfContext, problems, throughputSuite, ttftSuite } from '../../../support/perf-suites.js';
import { EndpointError } from '../../../../activities/endpoint/errors.js';
import { closeFakes, fake } from './fake-openai.js';

afterEach(closeFakes);

const small = { prompt_tokens: [64, 200], concurrency: [1, 3], max_tokens: 5, repeats: 2, warmup_rounds: 1 };

describe('throughput suite', () => {
  it('measures every cell, sizes prompts by calibration, and reports progress in requests', async () => {
    const f = await fake();
    const ctx = perfContext(f.url, small);
    const outcome = await throughputSuite(ctx);
    // 2 calibration probes, then per cell c warm-up + 2c measured: (1+2)+(3+6) per prompt length, 2 lengths.
    expect(f.requests).toHaveLength(2 + 2 * (3 + 9));
    const measured = f.requests.slice(2);
    expect(measured.every((r) => r.max_tokens === 5 && r.stream === true && r.ignore_eos === true && r.temperature === 0)).toBe(true);
    const names = outcome.results.map((r) => r.name);
    for (const cell of ['p64_c1', 'p64_c3', 'p200_c1', 'p200_c3']) {
      for (const m of ['ttft_ms', 'decode_tok_per_sec', 'itl_ms', 'chunk_gap_ms', 'e2e_latency_ms', 'output_tok_per_sec', 'total_tok_per_sec', 'schedule_lag_ms', 'event_loop_lag_ms', 'prefill_tok_per_sec']) {
        expect(names).toContain(`${m}_${cell}`);
      }
    }
    // Calibration makes the server count exactly the requested prompt length (its rule is linear).
    const ttft = outcome.results.find((r) => r.name === 'ttft_ms_p200_c3')!;
    expect(ttft.tags).toMatchObject({ prompt_tokens: '200', prompt_tokens_measured: '200', samples: '6', concurrency: '3' });
    const itl = outcome.results.find((r) => r.name === 'itl_ms_p64_c1')!;
    expect(itl.tags!.samples).toBe('2'); // one per request
    const gaps = outcome.results.find((r) => r.name === 'chunk_gap_ms_p64_c1')!;
    expect(gaps.tags!.samples).toBe('8'); // 2 requests × (5 tokens − 1 gap)
    // This server sends no timings: prefill is prompt tokens ÷ TTFT and there is no queue figure.
    expect(outcome.results.find((r) => r.name === 'prefill_tok_per_sec_p64_c1')!.tags).toMatchObject({ prefill_source: 'client_ttft' });
    expect(names.some((n) => n.startsWith('queue_ms'))).toBe(false);
    expect(outcome.incomplete).toBeUndefined();
    expect(outcome.genKwargs).toEqual({ max_gen_toks: 5, temperature: 0 });
    expect(problems(outcome)).toEqual([]);
    const last = ctx.progress.at(-1)!;
    expect(last).toMatchObject({ completed: 16, total: 16, checkpoint: 'p200_c3' });
    const completedSeq = ctx.progress.map((p) => p.completed);
    expect(completedSeq).toEqual([...completedSeq].sort((a, b) => a - b));
  });

  it('resumes from the journal: finished cells and the calibration are not measured again and results are identical', async () => {
    const f = await fake();
    const dir = await mkdtemp(join(tmpdir(), 'ns-perf-'));
    const path = join(dir, 'journal.jsonl');
    const config = { ...small, concurrency: [1] };
    // The first attempt is cut off (cancelled) right after its first cell is journaled.
    const controller = new AbortController();
    const j1 = await openJournal(path);
    const first = perfContext(f.url, config, {
      journal: j1,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.checkpoint === 'p64_c1') controller.abort();
      },
    });
    await expect(throughputSuite(first)).rejects.toMatchObject({ errorClass: 'aborted' });
    await j1.close();
    const before = f.requests.length;

    const j2 = await openJournal(path);
    expect(j2.entries().map((e) => e.key)).toEqual(['calibration', 'cell:p64_c1']);
    const second = perfContext(f.url, config, { journal: j2 });
    const outcome = await throughputSuite(second);
    await j2.close();
    // Only the missing cell ran (the calibration is journaled too): 1 warm-up + 2 measured.
    expect(f.requests.length - before).toBe(3);
    expect(second.progress[0]).toMatchObject({ completed: 2, total: 4, checkpoint: 'p64_c1' });
    expect(outcome.results.map((r) => r.name)).toContain('ttft_ms_p64_c1');
    expect(outcome.results.map((r) => r.name)).toContain('ttft_ms_p200_c1');

    // A third run with everything journaled sends nothing and rebuilds the same results.
    const j3 = await openJournal(path);
    const again = await throughputSuite(perfContext(f.url, config, { journal: j3 }));
    await j3.close();
    expect(f.requests.length - before).toBe(3);
    expect(again.results).toEqual(outcome.results);
  });

  it('counts failed requests per class and keeps the server message, without stopping', async () => {
    // Requests 1-2 are calibration; fail every 4th after that with a 429.
    const f = await fake((n, res) => {
      if (n > 2 && n % 4 === 0) {
        res.writeHead(429, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'concurrency limit 2 reached' } }));
        return true;
      }
      return false;
    });
    const outcome = await throughputSuite(perfContext(f.url, { prompt_tokens: [32], concurrency: [2], max_tokens: 3, repeats: 4, warmup_rounds: 0 }));
    const failed = outcome.results.find((r) => r.name === 'failed_requests_p32_c2')!;
    expect(failed.value).toBe(2);
    expect(failed.tags).toMatchObject({ errors_rate_limited: '2', requests: '8', succeeded: '6' });
    expect(problems(outcome)).toEqual([expect.stringMatching(/^p32_c2: 2 of 8 requests failed with rate_limited \(e\.g\. .*concurrency limit 2 reached\)$/)]);
  });

  it('fails fast with model_endpoint_unreachable when nothing listens', async () => {
    const f = await fake();
    await f.close();
    const error = await throughputSuite(perfContext(f.url, small)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointError);
    expect((error as EndpointError).errorClass).toBe('model_endpoint_unreachable');
  });

  it('aborts in-flight requests at once when the signal fires', async () => {
    let hung = 0;
    const f = await fake((n, res) => {
      if (n <= 2) return false; // calibration answers
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': waiting\n\n');
      hung++;
      return true; // never finishes
    });
    const controller = new AbortController();
    const ctx = perfContext(f.url, { prompt_tokens: [32], concurrency: [4], max_tokens: 3, repeats: 1, warmup_rounds: 1 }, { signal: controller.signal });
    const run = throughputSuite(ctx).catch((e: unknown) => e);
    while (hung < 4) await new Promise((r) => setTimeout(r, 5));
    controller.abort();
    const error = await run;
    expect(error).toMatchObject({ errorClass: 'aborted' });
    expect((error as Error).message).toMatch(/throughput suite cancelled after 0 of 4 requests/);
    expect(f.requests).toHaveLength(6); // nothing sent after the abort
  });
});

describe('ttft suite', () => {
  it('reports first-token figures per prompt length only', async () => {
    const f = await fake();
    const outcome = await ttftSuite(perfContext(f.url, { prompt_tokens: [16, 96], repeats: 2, max_tokens: 2 }));
    expect(outcome.results.map((r) => r.name)).toEqual(
      [16, 96].flatMap((p) => [
        `ttft_ms_p${p}_c1`,
        `ttft_ms_p${p}_c1_p99`,
        `prefill_tok_per_sec_p${p}_c1`,
        `schedule_lag_ms_p${p}_c1`,
        `schedule_lag_ms_p${p}_c1_p99`,
        `event_loop_lag_ms_p${p}_c1`,
        `event_loop_lag_ms_p${p}_c1_p99`,
      ]),
    );
    const t = outcome.results[0]!;
    expect(t.first_token_latency_ms).toBe(t.value);
    expect(outcome.results[2]!.prompt_tokens_per_second).toBeGreaterThan(0);
  });
});
