// The client against the simulated endpoint (a real server): what real servers send — usage twice,
// reasoning under either field name, streamed tool calls, llama.cpp timings — and the faults the sim can
// inject, each ending in its typed error.
import { beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from '../../../client/sim-server/server.js';
import { createOpenAIClient, type OpenAIClient } from '../../../activities/endpoint/openai-client.js';
import { EndpointError } from '../../../activities/endpoint/errors.js';

let sim: SimServer;
let client: OpenAIClient;

const base = { preload: true, load_ms: 0, ttft_ms: 5, decode_tokens_per_second: 500, jitter: 0, reply_tokens: 12 };

beforeAll(async () => {
  sim = await startSimServer({
    port: 0,
    config: {
      seed: 7,
      models: [
        { id: 'sim-plain', ...base, usage_twice: true },
        { id: 'sim-think-rc', ...base, reasoning: { enabled: true, field: 'reasoning_content', tokens: 4, default_on: true } },
        { id: 'sim-think-r', ...base, reasoning: { enabled: true, field: 'reasoning', tokens: 4, default_on: true } },
        { id: 'sim-tools', ...base, tool_call_rate: 1 },
        { id: 'sim-faulty', ...base },
      ],
    },
  });
  client = createOpenAIClient({ baseUrl: sim.url, connections: 4 });
  // Registered only once both exist (a failed start has nothing to close).
  return async () => {
    await client.close();
    await sim.close();
  };
});

const ask = (model: string, extra: Record<string, unknown> = {}) => ({
  model,
  messages: [{ role: 'user' as const, content: 'Say something about rivers and bridges.' }],
  max_tokens: 12,
  ...extra,
});

async function failure(p: Promise<unknown>): Promise<EndpointError> {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(EndpointError);
  return e as EndpointError;
}

describe('client against the simulated endpoint', () => {
  it('streams a reply with the server usage (sent twice), timings and a full timing record', async () => {
    const r = await client.chatCompletion(ask('sim-plain'));
    expect(r.content.length).toBeGreaterThan(0);
    expect(r.usage?.completion_tokens).toBe(12);
    expect(r.record).toMatchObject({ status: 200, completionTokens: 12, tokensEstimated: false, tokenChunks: 12, gapCount: 11 });
    expect(r.record.promptTokens).toBe(r.usage!.prompt_tokens);
    expect(r.timings).toMatchObject({ predicted_n: 12, prompt_n: r.usage!.prompt_tokens });
    expect(r.finishReason).toBeDefined();
  });

  it('reads a non-streamed reply with the same token counts', async () => {
    const r = await client.chatCompletion(ask('sim-plain', { stream: false }));
    expect(r.streamed).toBe(false);
    expect(r.usage?.completion_tokens).toBe(12);
    expect(r.record.tokensEstimated).toBe(false);
  });

  it.each(['sim-think-rc', 'sim-think-r'])('reads reasoning from %s and times the first content token after it', async (model) => {
    const r = await client.chatCompletion(ask(model));
    expect(r.reasoning.length).toBeGreaterThan(0);
    expect(r.record.firstContentAt!).toBeGreaterThanOrEqual(r.record.firstTokenAt!);
  });

  it('assembles streamed tool calls', async () => {
    const r = await client.chatCompletion(ask('sim-tools', { tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }] }));
    expect(r.finishReason).toBe('tool_calls');
    expect(r.toolCalls.length).toBeGreaterThan(0);
    expect(r.toolCalls[0]!.function.name).toBe('get_weather');
    expect((): unknown => JSON.parse(r.toolCalls[0]!.function.arguments)).not.toThrow();
  });

  it('types injected faults: 5xx, 429, mid-stream disconnect, never-ending stream', async () => {
    sim.setFaults({ error_rate: 1, error_status: 503 }, 'sim-faulty');
    const e5 = await failure(client.chatCompletion(ask('sim-faulty')));
    expect(e5).toMatchObject({ errorClass: 'http_server_error', status: 503 });
    expect(e5.serverMessage).toBeTruthy();

    sim.setFaults({ error_rate: 0, rate_limit_rate: 1 }, 'sim-faulty');
    const e429 = await failure(client.chatCompletion(ask('sim-faulty')));
    expect(e429).toMatchObject({ errorClass: 'rate_limited', status: 429 });
    expect(e429.serverMessage).toBeTruthy();

    sim.setFaults({ rate_limit_rate: 0, disconnect_rate: 1, disconnect_after_tokens: 3 }, 'sim-faulty');
    const cut = await failure(client.chatCompletion(ask('sim-faulty')));
    expect(cut.errorClass).toBe('connection_lost');

    sim.setFaults({ disconnect_rate: 0, never_ending_rate: 1 }, 'sim-faulty');
    // No max_tokens: the sim's never-ending fault still stops at max_tokens when one is given.
    const endless = await failure(client.chatCompletion({ ...ask('sim-faulty'), max_tokens: undefined }, { timeoutMs: 300 }));
    expect(endless.errorClass).toBe('timeout');
    expect(endless.record?.tokenChunks).toBeGreaterThan(0);
    sim.setFaults({ never_ending_rate: 0 }, 'sim-faulty');
  });

  it('reports an unknown model with the server message', async () => {
    const e = await failure(client.chatCompletion(ask('sim-nope')));
    // Answered as llama-swap v250 answers a model it has no route for.
    expect(e).toMatchObject({ errorClass: 'http_client_error', status: 404, serverMessage: 'no router for requested model' });
  });
});
