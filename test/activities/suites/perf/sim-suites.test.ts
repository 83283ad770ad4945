// Both perf suites against the simulated endpoint, through `nightshift run`'s function: valid envelopes,
// prompt lengths calibrated to the server's count, and every measured request seen once at the endpoint.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { startSimServer, type SimServer } from '../../../../client/sim-server/server.js';
import { runStandalone } from '../../../../client/run/standalone.js';
import { validateEnvelope } from '../../../../activities/envelope/validate.js';
import { problems } from '../../../support/perf-suites.js';

let sim: SimServer;

beforeAll(async () => {
  sim = await startSimServer({
    port: 0,
    config: {
      seed: 3,
      models: [
        {
          id: 'sim-perf',
          preload: true,
          load_ms: 0,
          ttft_ms: 4,
          prefill_tokens_per_second: 50_000,
          decode_tokens_per_second: 400,
          jitter: 0.1,
          reply_tokens: 200,
          batching: { slots: 8, slowdown: 0.1, queue: 'wait' },
        },
      ],
    },
  });
  return () => sim.close();
});

describe('perf suites against the simulated endpoint', () => {
  it('throughput: valid envelope, server-counted prompt lengths, one request per measured sample', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ns-sim-perf-'));
    sim.resetStats();
    const { envelope } = await runStandalone('throughput', {
      endpoint: sim.url,
      model: 'sim-perf',
      promptTokens: [64, 300],
      concurrency: [1, 4],
      maxTokens: 8,
      repeats: 2,
      gitSha: 'abcdef1',
      out: join(dir, 'tp.json'),
      progress: false,
      system: { os: 'test', chip: 'test', memory_gb: 1 },
    });
    expect(validateEnvelope(envelope).issues).toEqual([]);
    expect(problems(envelope)).toEqual([]);
    const ttft = envelope.results.find((r) => r.name === 'ttft_ms_p300_c4')!;
    expect(ttft.tags).toMatchObject({ prompt_tokens_measured: '300', samples: '8' });
    const decode = envelope.results.find((r) => r.name === 'decode_tok_per_sec_p64_c1')!;
    expect(decode.decode_tokens_per_second).toBeGreaterThan(0);
    // 2 probes + per prompt length: (1 warm-up + 2 measured) at c1 and (4 + 8) at c4. The sim counts a
    // response when its socket write finishes, which may come just after the client has read it.
    await vi.waitFor(() => expect(sim.stats().models['sim-perf']).toMatchObject({ completed: 2 + 2 * (3 + 12), failed: 0 }));
  });

  it('ttft: valid envelope with first-token latency per prompt length', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ns-sim-perf-'));
    const { envelope } = await runStandalone('ttft', {
      endpoint: sim.url,
      model: 'sim-perf',
      promptTokens: [128, 2048],
      repeats: 2,
      gitSha: 'abcdef1',
      out: join(dir, 'ttft.json'),
      progress: false,
      system: { os: 'test', chip: 'test', memory_gb: 1 },
    });
    expect(validateEnvelope(envelope).issues).toEqual([]);
    const names = envelope.results.map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['ttft_ms_p128_c1', 'ttft_ms_p2048_c1', 'prefill_tok_per_sec_p2048_c1']));
    // The sim's prefill takes longer for the longer prompt (ttft 4 ms + tokens at 50k tok/s).
    const t128 = envelope.results.find((r) => r.name === 'ttft_ms_p128_c1')!.value;
    const t2048 = envelope.results.find((r) => r.name === 'ttft_ms_p2048_c1')!.value;
    expect(t2048).toBeGreaterThan(t128);
  });
});
