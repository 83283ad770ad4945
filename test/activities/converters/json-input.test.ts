import { describe, expect, it } from 'vitest';
import { nonFiniteToken, parsePythonJson } from '../../../activities/converters/json-input.js';
import { parseArgString } from '../../../activities/converters/gen-kwargs.js';
import { metricName, metricUnit } from '../../../activities/converters/lm-eval-metrics.js';
import { promptTexts, responseTexts } from '../../../activities/converters/lm-eval-samples.js';
import { InputError } from '../../../activities/errors.js';

describe('parsePythonJson', () => {
  it('turns bare NaN / Infinity / -Infinity into markers and leaves the same words inside strings alone', () => {
    const doc = parsePythonJson('{"a": NaN, "b": [Infinity, -Infinity, 1], "s": "NaN, Infinity and \\"-Infinity\\"", "NaN": 2}', 'f.json') as Record<string, unknown>;
    expect(nonFiniteToken(doc.a)).toBe('NaN');
    expect((doc.b as unknown[]).map((v) => nonFiniteToken(v) ?? v)).toEqual(['Infinity', '-Infinity', 1]);
    expect(doc.s).toBe('NaN, Infinity and "-Infinity"');
    expect(doc.NaN).toBe(2);
    expect(nonFiniteToken('NaN')).toBeUndefined(); // the plain string "NaN" is not a marker
  });

  it('plain JSON parses unchanged', () => {
    expect(parsePythonJson('{"x": [1, 2.5, "y"]}', 'f.json')).toEqual({ x: [1, 2.5, 'y'] });
  });

  it('errors name the file and the place', () => {
    expect(() => parsePythonJson('{"a": 1,\n "b": ]}', 'f.json')).toThrow(InputError);
    expect(() => parsePythonJson('{"a": 1,\n "b": ]}', 'f.json')).toThrow(/^f\.json: not valid JSON \(Unexpected token/);
    expect(() => parsePythonJson('{"a": 1,\n "b" 2}', 'f.json')).toThrow(/^f\.json: not valid JSON \(.*; line 2, column 6\)$/);
    expect(() => parsePythonJson('{"a": 1', 'f.json')).toThrow(/f\.json: not valid JSON \(it ends early/);
  });
});

describe('lm-eval naming', () => {
  it.each([
    ['exact_match,flexible-extract', 'exact_match_flexible', 'ratio'],
    ['exact_match,strict-match', 'exact_match_strict', 'ratio'],
    ['acc,none', 'accuracy', 'ratio'],
    ['acc_norm,none', 'accuracy_normalized', 'ratio'],
    ['pass@1,create_test', 'pass_at_1', 'ratio'],
    ['pass@10,none', 'pass_at_10', 'ratio'],
    ['bleu,none', 'bleu_none', 'score'],
    ['word_perplexity,none', 'word_perplexity_none', 'perplexity'],
    ['acc,custom-filter', 'acc_custom-filter', 'ratio'],
  ])('%s → %s (%s)', (key, name, unit) => {
    expect(metricName(key)).toBe(name);
    expect(metricUnit(key)).toBe(unit);
  });

  it('parses model_args / gen_kwargs strings as lm-eval does', () => {
    expect(parseArgString('pretrained=org/m,dtype=float16,trust_remote_code=True,max_length=4096,base_url=http://h:1/v1')).toEqual({
      pretrained: 'org/m',
      dtype: 'float16',
      trust_remote_code: true,
      max_length: 4096,
      base_url: 'http://h:1/v1',
    });
    expect(parseArgString('max_gen_toks=256,temperature=0,top_p=0.95')).toEqual({ max_gen_toks: 256, temperature: 0, top_p: 0.95 });
  });
});

describe('samples text extraction', () => {
  it('chat message lists yield every message; generation settings are not prompt text', () => {
    const messages = [{ role: 'system', content: 'S' }, { role: 'user', content: [{ type: 'text', text: 'U1' }] }, { role: 'assistant', content: 'A1' }, { role: 'user', content: 'U2' }];
    expect(promptTexts({ gen_args_0: { arg_0: JSON.stringify(messages), arg_1: { max_gen_toks: 5 } } })).toEqual(['S', 'U1', 'A1', 'U2']);
    expect(promptTexts([['plain prompt', { until: ['\n'] }]])).toEqual(['plain prompt']);
    // lm-eval 0.4.13 wraps the chat prompt in a one-item list
    expect(promptTexts({ gen_args_0: { arg_0: [JSON.stringify(messages)], arg_1: {} } })).toEqual(['S', 'U1', 'A1', 'U2']);
    expect(promptTexts({ gen_args_0: { arg_0: '[{"not": "chat"}]' } })).toEqual(['[{"not": "chat"}]']);
  });

  it('responses are generated texts; log-likelihood pairs are not', () => {
    expect(responseTexts([['one', 'two'], ['three']])).toEqual(['one', 'two', 'three']);
    expect(responseTexts([[['-1.5', 'False']], [[-0.25, true]]])).toEqual([]);
  });
});
