// Model behaviour: scripted answers, tool calls (streamed deltas and whole), reasoning output in its
// three forms and thinking control.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimServer } from '../../client/sim-server/server.js';
import { model, postJson, sim, stream, type Chunk } from './helpers.js';

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' }, unit: { type: 'string', enum: ['C', 'F'] } }, required: ['city', 'days', 'unit'] },
  },
};

let server: SimServer;
beforeAll(async () => {
  server = await sim({
    max_loaded_models: 4,
    scripts: [{ match: 'global question', reply: 'global answer' }],
    models: [
      model('sim-scripted', {
        scripts: [
          { match: 'capital of France', reply: 'The capital of France is Paris.' },
          { regex: '^add (\\d+) and (\\d+)$', flags: 'i', reply: 'I cannot add, I am a simulator.' },
          { match: 'SECRET', on: 'conversation', reply: 'I saw the secret earlier.' },
          { match: 'weather in Rome', tool_calls: [{ name: 'get_weather', arguments: { city: 'Rome', days: 2, unit: 'C' } }] },
          { match: 'cut short', reply: 'one two three', finish_reason: 'length' },
        ],
      }),
      model('sim-thinker', { reasoning: { enabled: true, tokens: 5 } }),
      model('sim-mlx', { reasoning: { enabled: true, tokens: 4, field: 'reasoning' } }),
      model('sim-tags', { reasoning: { enabled: true, tokens: 3, field: 'think_tags' } }),
      model('sim-shy', { tool_call_rate: 0 }),
    ],
  });
});
afterAll(async () => {
  await server.close();
});

async function chat(body: Record<string, unknown>) {
  const res = await postJson(`${server.url}/v1/chat/completions`, body);
  expect(res.status).toBe(200);
  return (await res.json()) as {
    choices: Array<{
      message: { content: string | null; reasoning_content?: string; reasoning?: string; tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }> };
      finish_reason: string;
    }>;
    usage: { completion_tokens: number };
  };
}

const user = (content: string) => [{ role: 'user', content }];

describe('scripted answers', () => {
  it('answers a substring match exactly, streamed and not', async () => {
    const body = await chat({ model: 'sim-scripted', messages: user('What is the capital of France?') });
    expect(body.choices[0]?.message.content).toBe('The capital of France is Paris.');
    expect(body.choices[0]?.finish_reason).toBe('stop');
    expect(body.usage.completion_tokens).toBe(7);
    const r = await stream(`${server.url}/v1/chat/completions`, { model: 'sim-scripted', messages: user('capital of France, quickly') });
    expect((r.events as Chunk[]).map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('The capital of France is Paris.');
  });

  it('matches regexes with flags, the whole conversation, and the config-wide table', async () => {
    expect((await chat({ model: 'sim-scripted', messages: user('ADD 2 and 3') })).choices[0]?.message.content).toBe('I cannot add, I am a simulator.');
    const convo = [
      { role: 'user', content: 'remember SECRET' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'what did I say?' },
    ];
    expect((await chat({ model: 'sim-scripted', messages: convo })).choices[0]?.message.content).toBe('I saw the secret earlier.');
    // Only the last user message is matched by default: the secret in an earlier turn does not count there.
    expect((await chat({ model: 'sim-thinker', messages: user('a global question'), chat_template_kwargs: { enable_thinking: false } })).choices[0]?.message.content).toBe('global answer');
  });

  it('uses a scripted finish_reason', async () => {
    const body = await chat({ model: 'sim-scripted', messages: user('cut short') });
    expect(body.choices[0]?.message.content).toBe('one two three');
    expect(body.choices[0]?.finish_reason).toBe('length');
  });

  it('ends a scripted reply at a stop sequence', async () => {
    const body = await chat({ model: 'sim-scripted', messages: user('capital of France'), stop: [' is', 'Paris'] });
    expect(body.choices[0]?.message.content).toBe('The capital of France');
    expect(body.choices[0]?.finish_reason).toBe('stop');
    expect(body.usage.completion_tokens).toBe(4);
  });

  it('falls back to generated text when nothing matches', async () => {
    const body = await chat({ model: 'sim-scripted', messages: user('unrelated') });
    expect(body.choices[0]?.message.content).not.toBe('');
    expect(body.usage.completion_tokens).toBe(8);
  });
});

describe('tool calls', () => {
  it('returns a scripted tool call whole', async () => {
    const body = await chat({ model: 'sim-scripted', messages: user('weather in Rome?'), tools: [weatherTool] });
    const choice = body.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    expect(choice?.message.tool_calls).toHaveLength(1);
    expect(choice?.message.tool_calls?.[0]?.type).toBe('function');
    expect(choice?.message.tool_calls?.[0]?.id).toMatch(/^call_sim[0-9a-f]{8}$/);
    expect(choice?.message.tool_calls?.[0]?.function.name).toBe('get_weather');
    expect(JSON.parse(choice?.message.tool_calls?.[0]?.function.arguments ?? '')).toEqual({ city: 'Rome', days: 2, unit: 'C' });
  });

  it('streams tool_calls deltas: a header with id and name, then argument fragments', async () => {
    const r = await stream(`${server.url}/v1/chat/completions`, { model: 'sim-scripted', messages: user('weather in Rome'), tools: [weatherTool], stream_options: { include_usage: true } });
    const chunks = r.events as Chunk[];
    const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    expect(deltas[0]?.id).toMatch(/^call_sim/);
    expect(deltas[0]?.function.name).toBe('get_weather');
    expect(deltas.every((d) => d.index === 0)).toBe(true);
    const args = deltas.map((d) => d.function.arguments).join('');
    expect(JSON.parse(args)).toEqual({ city: 'Rome', days: 2, unit: 'C' });
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(chunks[chunks.length - 1]?.usage?.completion_tokens).toBe(deltas.length);
  });

  it('calls an offered tool with schema-shaped arguments, and answers in text after the tool result', async () => {
    const body = await chat({ model: 'sim-thinker', messages: user('plan my trip'), tools: [weatherTool], chat_template_kwargs: { enable_thinking: false } });
    const call = body.choices[0]?.message.tool_calls?.[0];
    const args = JSON.parse(call?.function.arguments ?? '{}') as { city: unknown; days: unknown; unit: unknown };
    expect(typeof args.city).toBe('string');
    expect(Number.isInteger(args.days)).toBe(true);
    expect(['C', 'F']).toContain(args.unit);
    const after = await chat({
      model: 'sim-thinker',
      chat_template_kwargs: { enable_thinking: false },
      tools: [weatherTool],
      messages: [...user('plan my trip'), { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: call?.id, content: '{"temp": 21}' }],
    });
    expect(after.choices[0]?.finish_reason).toBe('stop');
    expect(after.choices[0]?.message.content).toBeTruthy();
  });

  it('respects tool_choice none/required and the model tool_call_rate', async () => {
    const none = await chat({ model: 'sim-thinker', messages: user('x'), tools: [weatherTool], tool_choice: 'none' });
    expect(none.choices[0]?.message.tool_calls).toBeUndefined();
    const shy = await chat({ model: 'sim-shy', messages: user('x'), tools: [weatherTool] });
    expect(shy.choices[0]?.message.tool_calls).toBeUndefined();
    const forced = await chat({ model: 'sim-shy', messages: user('x'), tools: [weatherTool], tool_choice: 'required' });
    expect(forced.choices[0]?.message.tool_calls?.[0]?.function.name).toBe('get_weather');
  });
});

describe('reasoning', () => {
  it('streams reasoning_content before the content, counted in completion tokens', async () => {
    const r = await stream(`${server.url}/v1/chat/completions`, { model: 'sim-thinker', messages: user('think first'), stream_options: { include_usage: true } });
    const chunks = r.events as Chunk[];
    const kinds = chunks.filter((c) => c.choices.length).map((c) => (c.choices[0]?.delta.reasoning_content ? 'r' : c.choices[0]?.delta.content ? 'c' : '-'));
    const sequence = kinds.filter((k) => k !== '-').join('');
    expect(sequence).toMatch(/^r{5}c{8}$/);
    expect(chunks[chunks.length - 1]?.usage?.completion_tokens).toBe(13);
  });

  it('uses the "reasoning" field like mlx_lm.server when configured', async () => {
    const body = await chat({ model: 'sim-mlx', messages: user('hm') });
    expect(body.choices[0]?.message.reasoning).toBeTruthy();
    expect(body.choices[0]?.message.reasoning_content).toBeUndefined();
    const r = await stream(`${server.url}/v1/chat/completions`, { model: 'sim-mlx', messages: user('hm') });
    expect((r.events as Chunk[]).filter((c) => c.choices[0]?.delta.reasoning).length).toBe(4);
  });

  it('puts reasoning in <think> tags inside the content when configured', async () => {
    const body = await chat({ model: 'sim-tags', messages: user('hm') });
    expect(body.choices[0]?.message.content).toMatch(/^<think>\S+( \S+){2}<\/think>\n\n\S/);
    expect(body.usage.completion_tokens).toBe(2 + 3 + 8);
  });

  it('turns thinking off with chat_template_kwargs.enable_thinking = false', async () => {
    const body = await chat({ model: 'sim-thinker', messages: user('no thinking'), chat_template_kwargs: { enable_thinking: false } });
    expect(body.choices[0]?.message.reasoning_content).toBeUndefined();
    expect(body.usage.completion_tokens).toBe(8);
  });
});
