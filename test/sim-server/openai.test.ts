// OpenAI-compatible behaviour of the simulated endpoint: streaming format, usage and timings, the
// non-streamed body, /v1/completions (echo/logprobs), clear 400s, /v1/models and determinism.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimServer } from '../../client/sim-server/server.js';
import { countTokens } from '../../client/sim-server/tokens.js';
import { model, postJson, sim, stream, type Chunk } from './helpers.js';

type LlamaTimingsNumbers = { [K in 'prompt_n' | 'prompt_ms' | 'prompt_per_token_ms' | 'prompt_per_second' | 'predicted_n' | 'predicted_ms' | 'predicted_per_token_ms' | 'predicted_per_second']: number };

const config = {
  seed: 3,
  models: [
    model('sim-a', { reply_tokens: [10, 20], ttft_ms: 2, decode_tokens_per_second: 2000, prefill_tokens_per_second: 10000 }),
    model('sim-zero', { reply_tokens: 12 }),
  ],
};

let server: SimServer;
beforeAll(async () => {
  server = await sim(config);
});
afterAll(async () => {
  await server.close();
});

const ask = (content: string, extra: Record<string, unknown> = {}) => ({ model: 'sim-a', messages: [{ role: 'user', content }], ...extra });

describe('chat completions, streamed', () => {
  it('streams OpenAI chunks: role first, content deltas, finish chunk, usage chunk, [DONE]', async () => {
    const emittedBefore = server.stats().emission.tokens;
    const r = await stream(`${server.url}/v1/chat/completions`, ask('tell me something', { stream_options: { include_usage: true } }));
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/event-stream');
    expect(r.headers.get('x-nightshift-simulated')).toBe('1');
    expect(r.done).toBe(true);
    const chunks = r.events as Chunk[];
    const ids = new Set(chunks.map((c) => c.id));
    expect(ids.size).toBe(1);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === 'sim-a')).toBe(true);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const content = chunks.filter((c) => c.choices[0]?.delta.content).map((c) => c.choices[0]?.delta.content);
    const finish = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(finish).toHaveLength(1);
    expect(finish[0]?.choices[0]?.finish_reason).toBe('stop');
    const last = chunks[chunks.length - 1] as Chunk;
    expect(last.choices).toEqual([]);
    // Usage comes from the server and matches what was streamed (one token per content chunk).
    expect(last.usage?.completion_tokens).toBe(content.length);
    expect(last.usage?.completion_tokens).toBeGreaterThanOrEqual(10);
    expect(last.usage?.completion_tokens).toBeLessThanOrEqual(20);
    expect(last.usage?.prompt_tokens).toBe(countTokens('tell me something') + 7);
    expect(countTokens(content.join(''))).toBe(content.length);
    // Every timed token's send time was checked against its plan (the simulator's own timing error).
    const emission = server.stats().emission;
    expect(emission.tokens - emittedBefore).toBe(content.length);
    expect(emission.lateness_ms).not.toBeNull();
    // llama.cpp timings on the last chunk, consistent with usage and with each other.
    const t = last.timings as unknown as LlamaTimingsNumbers;
    expect(t.prompt_n).toBe(last.usage?.prompt_tokens);
    expect(t.predicted_n).toBe(last.usage?.completion_tokens);
    expect(t.prompt_per_token_ms).toBeCloseTo(t.prompt_ms / t.prompt_n, 9);
    expect(t.prompt_per_second).toBeCloseTo((1000 / t.prompt_ms) * t.prompt_n, 6);
    expect(t.predicted_per_token_ms).toBeCloseTo(t.predicted_ms / t.predicted_n, 9);
    expect(t.predicted_per_second).toBeCloseTo((1000 / t.predicted_ms) * t.predicted_n, 6);
    // Planned: TTFT = 2 ms + prompt/10000 tok/s; predicted = (n − 1) gaps of 0.5 ms.
    expect(t.prompt_ms).toBeCloseTo(2 + (t.prompt_n / 10000) * 1000, 9);
    expect(t.predicted_ms).toBeCloseTo((t.predicted_n - 1) * 0.5, 9);
  });

  it('keeps connections alive and completes many concurrent streams intact', async () => {
    const res = await postJson(`${server.url}/v1/chat/completions`, ask('keep-alive?'));
    expect(res.headers.get('connection')).toBe('keep-alive');
    await res.arrayBuffer();
    const before = server.stats().models['sim-zero']?.completed ?? 0;
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        stream(`${server.url}/v1/chat/completions`, { model: 'sim-zero', messages: [{ role: 'user', content: `request ${i}` }], stream_options: { include_usage: true } }),
      ),
    );
    for (const r of results) {
      expect(r.done).toBe(true);
      const chunks = r.events as Chunk[];
      expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBe(12);
      expect(chunks[chunks.length - 1]?.usage?.completion_tokens).toBe(12);
    }
    expect(server.stats().models['sim-zero']?.completed).toBe(before + 200);
  });

  it('without include_usage sends no usage and puts timings on the finish chunk', async () => {
    const r = await stream(`${server.url}/v1/chat/completions`, ask('no usage please'));
    const chunks = r.events as Chunk[];
    expect(chunks.some((c) => c.usage)).toBe(false);
    const last = chunks[chunks.length - 1] as Chunk;
    expect(last.choices[0]?.finish_reason).toBe('stop');
    expect(last.timings?.predicted_n).toBe(chunks.filter((c) => c.choices[0]?.delta.content).length);
  });

  it('honours max_tokens and max_completion_tokens with finish_reason length', async () => {
    for (const key of ['max_tokens', 'max_completion_tokens']) {
      const r = await stream(`${server.url}/v1/chat/completions`, ask('long answer', { [key]: 3, stream_options: { include_usage: true } }));
      const chunks = r.events as Chunk[];
      expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBe(3);
      expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe('length');
      expect(chunks[chunks.length - 1]?.usage?.completion_tokens).toBe(3);
    }
  });

  it('generates up to max_tokens with ignore_eos, past the natural reply length', async () => {
    const r = await stream(`${server.url}/v1/chat/completions`, ask('fixed length', { max_tokens: 40, ignore_eos: true, stream_options: { include_usage: true } }));
    const chunks = r.events as Chunk[];
    expect(chunks[chunks.length - 1]?.usage?.completion_tokens).toBe(40);
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe('length');
    const bad = await postJson(`${server.url}/v1/chat/completions`, ask('x', { ignore_eos: 'yes' }));
    expect(bad.status).toBe(400);
  });

  it('sends usage twice when the model mimics vllm-mlx', async () => {
    const s = await sim({ models: [model('sim-twice', { usage_twice: true })] });
    try {
      const r = await stream(`${s.url}/v1/chat/completions`, { model: 'sim-twice', messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } });
      const withUsage = (r.events as Chunk[]).filter((c) => c.usage);
      expect(withUsage).toHaveLength(2);
      expect(withUsage[0]?.usage).toEqual(withUsage[1]?.usage);
    } finally {
      await s.close();
    }
  });
});

describe('chat completions, not streamed', () => {
  it('returns one chat.completion with message, usage and timings matching the streamed text', async () => {
    const res = await postJson(`${server.url}/v1/chat/completions`, ask('same prompt both ways'));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-nightshift-simulated')).toBe('1');
    const body = (await res.json()) as {
      object: string;
      choices: Array<{ message: { role: string; content: string }; finish_reason: string }>;
      usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
      timings: Record<string, number>;
    };
    expect(body.object).toBe('chat.completion');
    const msg = body.choices[0]?.message;
    expect(msg?.role).toBe('assistant');
    expect(body.usage.completion_tokens).toBe(countTokens(msg?.content ?? ''));
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    expect(body.timings.predicted_n).toBe(body.usage.completion_tokens);
    // The same prompt streamed gives the same words (generation is seeded by the prompt).
    const r = await stream(`${server.url}/v1/chat/completions`, ask('same prompt both ways'));
    const streamed = (r.events as Chunk[]).map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(streamed).toBe(msg?.content);
  });
});

describe('completions', () => {
  it('streams text_completion chunks with usage', async () => {
    const r = await stream(`${server.url}/v1/completions`, { model: 'sim-a', prompt: 'Once upon a time', max_tokens: 5, stream_options: { include_usage: true } });
    const chunks = r.events as Array<{ object: string; choices: Array<{ text: string; finish_reason: string | null }>; usage?: { prompt_tokens: number; completion_tokens: number } }>;
    expect(chunks.every((c) => c.object === 'text_completion')).toBe(true);
    expect(chunks.filter((c) => c.choices[0]?.text).length).toBe(5);
    const usage = chunks[chunks.length - 1]?.usage;
    expect(usage).toEqual({ prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 });
  });

  it('answers lm-eval style loglikelihood requests (token ids, echo, logprobs)', async () => {
    const res = await postJson(`${server.url}/v1/completions`, { model: 'sim-a', prompt: [[11, 22, 33, 44]], max_tokens: 1, echo: true, logprobs: 1, temperature: 0 });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      choices: Array<{ text: string; logprobs: { tokens: string[]; token_logprobs: Array<number | null>; top_logprobs: Array<Record<string, number> | null> } }>;
      usage: { prompt_tokens: number; completion_tokens: number };
    };
    const lp = body.choices[0]?.logprobs;
    expect(body.usage.prompt_tokens).toBe(4);
    expect(lp?.tokens).toHaveLength(5);
    expect(lp?.token_logprobs[0]).toBeNull();
    for (let i = 1; i < 5; i++) {
      const value = lp?.token_logprobs[i] as number;
      expect(value).toBeLessThan(0);
      // Greedy: the actual token is the top alternative.
      expect(lp?.top_logprobs[i]).toEqual({ [lp?.tokens[i] as string]: value });
    }
  });

  it('answers a batch of prompts with one choice each', async () => {
    const res = await postJson(`${server.url}/v1/completions`, { model: 'sim-a', prompt: ['first prompt', 'second prompt'], max_tokens: 4 });
    const body = (await res.json()) as { choices: Array<{ index: number; text: string }>; usage: { prompt_tokens: number; completion_tokens: number } };
    expect(body.choices.map((c) => c.index)).toEqual([0, 1]);
    expect(body.choices[0]?.text).not.toBe(body.choices[1]?.text);
    expect(body.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: 8 });
  });
});

describe('bad requests', () => {
  const cases: Array<[string, string, Record<string, unknown>, string]> = [
    ['chat', '/v1/chat/completions', { model: 'sim-a', messages: [] }, '"messages" must be a non-empty array'],
    ['chat', '/v1/chat/completions', { model: 'sim-a', n: 2, messages: [{ role: 'user', content: 'x' }] }, '"n" other than 1'],
    ['chat', '/v1/chat/completions', { model: 'sim-a', logprobs: true, messages: [{ role: 'user', content: 'x' }] }, '"logprobs" on chat completions is not supported'],
    ['chat', '/v1/chat/completions', { model: 'sim-a', max_tokens: -1, messages: [{ role: 'user', content: 'x' }] }, '"max_tokens" must be a non-negative integer'],
    ['completion', '/v1/completions', { model: 'sim-a', prompt: 'x', logprobs: 9 }, '"logprobs" must be an integer from 0 to 5'],
    ['completion', '/v1/completions', { model: 'sim-a', prompt: 'x', echo: true, stream: true }, '"echo" with "stream" is not supported'],
    ['completion', '/v1/completions', { model: 'sim-a', prompt: 'x', suffix: 'y' }, '"suffix" is not supported'],
  ];
  for (const [, path, body, message] of cases) {
    it(`400 for ${message}`, async () => {
      const res = await postJson(`${server.url}${path}`, body);
      expect(res.status).toBe(400);
      expect(res.headers.get('x-nightshift-simulated')).toBe('1');
      const err = (await res.json()) as { error: { message: string; type: string } };
      expect(err.error.message).toContain(message);
      expect(err.error.type).toBe('invalid_request_error');
    });
  }

  it('404 for an unknown model, as llama-swap v250 answers it, and for an unknown route', async () => {
    const res = await postJson(`${server.url}/v1/chat/completions`, { model: 'gpt-4', messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'no router for requested model', src: 'llama-swap' });
    const nf = await fetch(`${server.url}/v1/embeddings`);
    expect(nf.status).toBe(404);
    expect(nf.headers.get('x-nightshift-simulated')).toBe('1');
  });

  it('400 for a prompt beyond the context length, like llama-server', async () => {
    const s = await sim({ models: [model('sim-small', { context_length: 20 })] });
    try {
      const res = await postJson(`${s.url}/v1/chat/completions`, { model: 'sim-small', messages: [{ role: 'user', content: 'word '.repeat(30) }] });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe('exceed_context_size_error');
    } finally {
      await s.close();
    }
  });
});

describe('models list and determinism', () => {
  it('lists every configured model as llama-swap v250 does, each described as simulated', async () => {
    const res = await fetch(`${server.url}/v1/models`);
    const body = (await res.json()) as { object: string; data: Array<{ id: string; owned_by: string; description: string; status: { value: string } }> };
    expect(body.object).toBe('list');
    expect(body.data.map((m) => m.id)).toEqual(['sim-a', 'sim-zero']);
    expect(body.data.every((m) => m.owned_by === 'llama-swap' && m.description.includes('simulated'))).toBe(true);
    expect(body.data.every((m) => ['loaded', 'unloaded'].includes(m.status.value))).toBe(true);
  });

  it('gives the same bytes for the same request sequence and seed (timing fields aside)', async () => {
    const run = async (seed: number) => {
      // Jitter on: the seeded timing draws must repeat too.
      const s = await sim({ ...config, models: config.models.map((m) => ({ ...m, jitter: 0.2 })) }, { seed });
      try {
        const out: string[] = [];
        for (const prompt of ['one', 'two', 'three']) {
          const r = await stream(`${s.url}/v1/chat/completions`, ask(prompt, { stream_options: { include_usage: true } }));
          out.push(r.raw);
          const res = await postJson(`${s.url}/v1/chat/completions`, ask(prompt));
          out.push(await res.text());
        }
        // created (wall clock) is a timing field; timings are planned and so deterministic too.
        return out.map((x) => x.replace(/"created":\d+/g, '"created":0'));
      } finally {
        await s.close();
      }
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });
});
