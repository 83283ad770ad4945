// Every assert kind: its correct reply passes, each wrong reply fails with the expected failure mode;
// plus the response-level rules (token_limit, no_answer_found, reasoning fallback).
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../../activities/suites/quality/pack-types.js';
import { scoreResponse } from '../../../activities/suites/quality/verifiers/index.js';
import { ASSERT_CASES, type AssertCase, responseFor } from './fixtures/assert-cases.js';

function scenarioFor(c: AssertCase): Scenario {
  return { id: `${c.type}-${c.kind}`, messages: [{ role: 'user', content: 'x' }], verifier: { type: c.type, asserts: c.asserts } };
}

describe('verifier engine, one case per assert kind', () => {
  it.each(ASSERT_CASES)('$type $kind: correct reply passes', (c) => {
    const v = scoreResponse(scenarioFor(c), responseFor(c.good));
    expect(v.detail).toMatch(/passed|ANSWER|Answer axis/);
    expect(v.passed).toBe(true);
    expect(v.score).toBe(100);
  });

  it.each(ASSERT_CASES.flatMap((c) => c.bad.map((b, n) => ({ type: c.type, kind: c.kind, c, b, n }))))('$type $kind: wrong reply #$n fails', ({ c, b }) => {
    const v = scoreResponse(scenarioFor(c), responseFor(b.reply));
    expect(v.passed).toBe(false);
    expect(v.failure_mode).toBe(b.mode);
    expect(v.score).toBeLessThan(100);
  });

  it('covers every assert kind the shared BenchLocal packs use', () => {
    const kinds = new Set(ASSERT_CASES.map((c) => `${c.type}:${c.kind}`));
    const required = [
      'tool_call:exact_function_name', 'tool_call:required_args_present', 'tool_call:arg_regex', 'tool_call:exact_arg_value',
      'tool_call:multi_call_order', 'tool_call:arg_numeric_range', 'tool_call:tool_call_count', 'tool_call:required_function_names',
      'tool_call:content_regex', 'instruct_follow:format_regex', 'instruct_follow:max_length_words', 'instruct_follow:exact_length_words',
      'instruct_follow:required_phrase', 'instruct_follow:required_phrase_any', 'instruct_follow:forbidden_phrase',
      'instruct_follow:bullet_count', 'instruct_follow:case_only', 'struct_output:json_parse_required',
      'struct_output:jsonpath_assertion', 'struct_output:csv_columns', 'struct_output:yaml_parse_required', 'struct_output:json_schema',
      'struct_output:markdown_structure', 'struct_output:format_regex', 'data_extract:field_required', 'data_extract:no_extra_fields',
      'reason_math:exact_string',
    ];
    expect(required.filter((k) => !kinds.has(k))).toEqual([]);
  });
});

describe('response-level rules', () => {
  const c = ASSERT_CASES.find((x) => x.kind === 'exact_length_words')!;

  it('a failed answer cut at max_tokens is token_limit, keeping the verifier verdict in the detail', () => {
    const v = scoreResponse(scenarioFor(c), responseFor({ content: 'Night trains' }, 'length'));
    expect(v.failure_mode).toBe('token_limit');
    expect(v.detail).toContain('underlying verdict was verifier_fail: word count mismatch');
  });

  it('a passing answer that hit the limit still passes', () => {
    expect(scoreResponse(scenarioFor(c), responseFor(c.good, 'length')).passed).toBe(true);
  });

  it('an empty response is no_answer_found', () => {
    const v = scoreResponse(scenarioFor(c), responseFor({ content: '' }));
    expect(v.failure_mode).toBe('no_answer_found');
  });

  it('reads the answer from reasoning_content when content is empty, and says so', () => {
    const v = scoreResponse(scenarioFor(c), responseFor({ content: '', reasoning_content: 'Night trains hum softly.' }));
    expect(v.passed).toBe(true);
    expect(v.response_field_used).toBe('message.reasoning_content');
  });

  it('strips leaked <think> blocks before checking', () => {
    const v = scoreResponse(scenarioFor(c), responseFor({ content: '<think>count: four words</think>Night trains hum softly.' }));
    expect(v.passed).toBe(true);
  });
});
