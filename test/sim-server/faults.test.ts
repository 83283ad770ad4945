// Fault injection: seeded error rates, 429s, disconnects mid-stream, never-ending streams, failing
// loads, concurrency refusals, run-time changes through POST /sim/faults and an in-process "crash".
// Outcomes are checked (statuses, what arrived, what the endpoint counted), never timings.
import { afterEach, describe, expect, it } from 'vitest';
import type { SimServer } from '../../client/sim-server/server.js';
import { model, postJson, sim } from './helpers.js';

let server: SimServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const ask = (m: string, extra: Record<string, unknown> = {}) => ({ model: m, messages: [{ role: 'user', content: 'hi' }], ...extra });

async function failingOrdinals(seed: number, requests: number): Promise<number[]> {
  const s = await sim({ models: [model('sim-flaky', { faults: { error_rate: 0.3, error_status: 503 } })] }, { seed });
  try {
    const failed: number[] = [];
    for (let i = 1; i <= requests; i++) {
      const res = await postJson(`${s.url}/v1/chat/completions`, ask('sim-flaky'));
      if (res.status !== 200) {
        expect(res.status).toBe(503);
        const body = (await res.json()) as { error: { type: string; message: string } };
        expect(body.error.type).toBe('server_error');
        expect(body.error.message).toContain('simulated');
        failed.push(i);
      } else await res.arrayBuffer();
    }
    expect(s.stats().models['sim-flaky']).toMatchObject({ requests, failed: failed.length, completed: requests - failed.length });
    return failed;
  } finally {
    await s.close();
  }
}

/** Reads a streamed response until it ends or breaks; returns the text and whether it broke. */
async function readStream(res: Response, stopAfter = Infinity, abort?: AbortController): Promise<{ text: string; broke: boolean }> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, broke: false };
      text += decoder.decode(value, { stream: true });
      if ((text.match(/"content"/g) ?? []).length >= stopAfter) {
        abort?.abort();
        return { text, broke: false };
      }
    }
  } catch {
    return { text, broke: true };
  }
}

describe('fault injection', () => {
  it('fails about error_rate of requests, the same ones for the same seed', async () => {
    const a = await failingOrdinals(5, 200);
    // Binomial(200, 0.3): mean 60, sd 6.5 — 40..80 is over three standard deviations either side.
    expect(a.length).toBeGreaterThanOrEqual(40);
    expect(a.length).toBeLessThanOrEqual(80);
    expect(await failingOrdinals(5, 200)).toEqual(a);
    expect(await failingOrdinals(6, 200)).not.toEqual(a);
  });

  it('answers 429 with retry-after for rate_limit_rate', async () => {
    server = await sim({ models: [model('sim-busy', { faults: { rate_limit_rate: 1 } })] });
    const res = await postJson(`${server.url}/v1/chat/completions`, ask('sim-busy'));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('rate_limit_error');
  });

  it('disconnects mid-stream after the configured number of tokens', async () => {
    server = await sim({ models: [model('sim-cut', { reply_tokens: 50, decode_tokens_per_second: 2000, faults: { disconnect_after_tokens: 5 } })] });
    const res = await postJson(`${server.url}/v1/chat/completions`, ask('sim-cut', { stream: true }));
    expect(res.status).toBe(200);
    const { text, broke } = await readStream(res);
    expect(broke).toBe(true);
    expect((text.match(/"content"/g) ?? []).length).toBe(5);
    expect(text).not.toContain('[DONE]');
    expect(server.stats().models['sim-cut']).toMatchObject({ failed: 1, completed: 0 });
  });

  it('streams forever when never-ending, until the client aborts; the server keeps serving', async () => {
    server = await sim({ models: [model('sim-endless', { reply_tokens: 3, faults: { never_ending_rate: 1 } })] });
    const abort = new AbortController();
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify(ask('sim-endless', { stream: true, max_tokens: 3 })),
      signal: abort.signal,
    });
    // max_tokens 3, yet far more tokens arrive: the stream does not end on its own.
    const { text } = await readStream(res, 200, abort);
    expect((text.match(/"content"/g) ?? []).length).toBeGreaterThanOrEqual(200);
    expect(text).not.toContain('finish_reason":"');
    for (let i = 0; i < 100 && server.stats().models['sim-endless']?.aborted !== 1; i++) await new Promise((r) => setTimeout(r, 10));
    expect(server.stats().models['sim-endless']).toMatchObject({ failed: 1, aborted: 1 });
    server.setFaults({});
    const ok = await postJson(`${server.url}/v1/chat/completions`, ask('sim-endless'));
    expect(ok.status).toBe(200);
  });

  it('never answers a non-streamed never-ending request; the client timeout ends it', async () => {
    server = await sim({ models: [model('sim-hang', { faults: { never_ending_rate: 1 } })] });
    await expect(
      fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(ask('sim-hang')), signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow();
  });

  it('fails loads with 500 like llama-swap v250, then recovers when the fault is cleared via /sim/faults', async () => {
    server = await sim({ models: [model('sim-broken', { load_ms: 20, faults: { load_fail_rate: 1 } })] });
    const res = await postJson(`${server.url}/v1/chat/completions`, ask('sim-broken'));
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'unspecific error: upstream command exited prematurely', src: 'llama-swap' });
    expect(((await (await fetch(`${server.url}/running`)).json()) as { running: unknown[] }).running).toEqual([]);
    const healed = await postJson(`${server.url}/sim/faults`, { model: 'sim-broken', faults: {} });
    expect(healed.status).toBe(200);
    expect((await postJson(`${server.url}/v1/chat/completions`, ask('sim-broken'))).status).toBe(200);
    expect(server.stats().models['sim-broken']).toMatchObject({ load_failures: 1, loads: 1, failed: 1, completed: 1 });
  });

  it('changes faults at run time and validates the change', async () => {
    server = await sim({ models: [model('sim-a'), model('sim-b')], max_loaded_models: 2 });
    expect((await postJson(`${server.url}/sim/faults`, { model: 'sim-a', faults: { error_rate: 1 } })).status).toBe(200);
    expect((await postJson(`${server.url}/v1/chat/completions`, ask('sim-a'))).status).toBe(500);
    expect((await postJson(`${server.url}/v1/chat/completions`, ask('sim-b'))).status).toBe(200);
    const bad = await postJson(`${server.url}/sim/faults`, { model: 'sim-a', faults: { eror_rate: 1 } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('unknown key "eror_rate"');
    expect((await postJson(`${server.url}/sim/faults`, { model: 'sim-zzz', faults: {} })).status).toBe(404);
    expect((await postJson(`${server.url}/sim/faults`, { faults: {} })).status).toBe(200);
    expect((await postJson(`${server.url}/v1/chat/completions`, ask('sim-a'))).status).toBe(200);
  });

  it('refuses requests beyond the batch slots with 429 when queue = "reject", queues them when "wait"', async () => {
    const slow = { reply_tokens: 20, decode_tokens_per_second: 200 };
    server = await sim({ models: [model('sim-reject', { ...slow, batching: { slots: 1, queue: 'reject' } }), model('sim-wait', { ...slow, batching: { slots: 1, queue: 'wait' } })], max_loaded_models: 2 });
    const [r1, r2] = await Promise.all([postJson(`${server.url}/v1/chat/completions`, ask('sim-reject')), postJson(`${server.url}/v1/chat/completions`, ask('sim-reject'))]);
    expect([r1.status, r2.status].sort()).toEqual([200, 429]);
    const waits = await Promise.all([1, 2, 3].map(() => postJson(`${server!.url}/v1/chat/completions`, ask('sim-wait'))));
    expect(waits.map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it('drops every connection and stops listening on an in-process crash', async () => {
    server = await sim({ models: [model('sim-doomed', { faults: { crash_on_request: 2 } })] });
    expect((await postJson(`${server.url}/v1/chat/completions`, ask('sim-doomed'))).status).toBe(200);
    await expect(postJson(`${server.url}/v1/chat/completions`, ask('sim-doomed'))).rejects.toThrow();
    await expect(fetch(`${server.url}/v1/models`)).rejects.toThrow();
  });
});
