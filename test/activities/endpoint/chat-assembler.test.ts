import { describe, expect, it } from 'vitest';
import { ChatAssembler } from '../../../activities/endpoint/chat-assembler.js';

const delta = (d: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: 'c1',
  model: 'm',
  choices: [{ index: 0, delta: d, finish_reason: null }],
  ...extra,
});

describe('ChatAssembler', () => {
  it('joins content and reasoning from either field name and reports which chunks carried tokens', () => {
    const a = new ChatAssembler();
    expect(a.addChunk(delta({ role: 'assistant' }))).toEqual({ token: false, content: false });
    expect(a.addChunk(delta({ reasoning_content: 'think ' }))).toEqual({ token: true, content: false });
    expect(a.addChunk(delta({ reasoning: 'more' }))).toEqual({ token: true, content: false });
    expect(a.addChunk(delta({ content: 'Hel' }))).toEqual({ token: true, content: true });
    expect(a.addChunk(delta({ content: 'lo' }))).toEqual({ token: true, content: true });
    a.addChunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    const r = a.result();
    expect(r).toMatchObject({ id: 'c1', model: 'm', content: 'Hello', reasoning: 'think more', finishReason: 'stop' });
    expect(a.sawFinish).toBe(true);
  });

  it('keeps the last usage and timings, whichever chunk carries them (vllm-mlx sends usage twice)', () => {
    const a = new ChatAssembler();
    a.addChunk(delta({ content: 'x' }, { usage: { prompt_tokens: 5, completion_tokens: 1 } }));
    a.addChunk({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } });
    a.addChunk({ choices: [], timings: { prompt_n: 5, prompt_ms: 12.5, predicted_n: 3, note: 'x' } });
    const r = a.result();
    expect(r.usage).toEqual({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
    expect(r.timings).toEqual({ prompt_n: 5, prompt_ms: 12.5, predicted_n: 3 });
  });

  it('assembles streamed tool-call deltas by index', () => {
    const a = new ChatAssembler();
    a.addChunk(delta({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }] }));
    a.addChunk(delta({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }));
    a.addChunk(delta({ tool_calls: [{ index: 1, id: 'call_b', function: { name: 'get_time', arguments: '{}' } }] }));
    a.addChunk(delta({ tool_calls: [{ index: 0, function: { name: 'get_weather', arguments: '"Oslo"}' } }] }));
    a.addChunk({ choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] });
    expect(a.result().toolCalls).toEqual([
      { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
      { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{}' } },
    ]);
    expect(a.result().finishReason).toBe('tool_calls');
  });

  it('reads a non-streamed response, including object-valued tool arguments (Ollama)', () => {
    const a = new ChatAssembler();
    a.setResponse({
      id: 'r',
      choices: [
        {
          finish_reason: 'tool_calls',
          message: {
            content: null,
            reasoning_content: 'why',
            tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: { a: 1 } } }],
          },
        },
      ],
      usage: { prompt_tokens: 3, completion_tokens: 4 },
    });
    expect(a.result()).toMatchObject({
      content: '',
      reasoning: 'why',
      finishReason: 'tool_calls',
      usage: { prompt_tokens: 3, completion_tokens: 4 },
      toolCalls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
    });
  });

  it('rejects shapes it cannot read', () => {
    expect(() => new ChatAssembler().addChunk('nope')).toThrow(/not a JSON object/);
    expect(() => new ChatAssembler().addChunk({ choices: 3 })).toThrow(/not an array/);
    expect(() => new ChatAssembler().setResponse({ choices: [] })).toThrow(/no choices\[0\]/);
  });
});
