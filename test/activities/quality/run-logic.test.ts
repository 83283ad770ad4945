// Pure parts of a run: request building (sampling layers, thinking switch, clock line, server
// sampling), the time budget formula, pass@k / flaky detection and the thinking arm-validity check.
import { describe, expect, it } from 'vitest';
import { parsePack } from '../../../activities/suites/quality/pack-loader.js';
import { buildRequest } from '../../../activities/suites/quality/request-builder.js';
import type { ScenarioRun } from '../../../activities/suites/quality/result-types.js';
import { summarizePack } from '../../../activities/suites/quality/scoring.js';
import { scenarioBudgetSeconds } from '../../../activities/suites/quality/timeout-budget.js';

const pack = parsePack(
  [
    JSON.stringify({ __meta__: true, pack_id: 'p', version: '1.0.0', sampling_defaults: { temperature: 0, top_p: 1, max_tokens: 1024 }, default_thinking: 'off', default_max_seconds: 60, timeout_reference_tps: 100, clock: { reference_date: '2026-06-01', reference_day: 'Monday' } }),
    JSON.stringify({ id: 'A', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'hi' }], verifier: { type: 'instruct_follow', asserts: [{ kind: 'required_phrase', value: 'x' }] }, sampling_overrides: { max_tokens: 256 }, max_seconds_override: 30 }),
  ].join('\n'),
  'p.jsonl',
);
const scenario = pack.scenarios[0]!;
const base = { thinkingControl: 'enable_thinking' as const, thinkingMaxTokens: 8192, overrides: {}, fromServer: false };

describe('request building', () => {
  it('layers pack defaults, scenario overrides and the thinking switch; adds the clock line', () => {
    const r = buildRequest(pack, scenario, 'm', base);
    expect(r).toMatchObject({ model: 'm', temperature: 0, top_p: 1, max_tokens: 256, chat_template_kwargs: { enable_thinking: false } });
    expect((r.messages as Array<{ content: string }>)[0]!.content).toBe('Be brief.\n\nBenchmark reference date: 2026-06-01 (Monday).');
  });
  it('thinking on raises max_tokens; reasoning_effort is the alternative switch', () => {
    expect(buildRequest(pack, scenario, 'm', { ...base, thinking: true })).toMatchObject({ max_tokens: 8192, chat_template_kwargs: { enable_thinking: true } });
    const r = buildRequest(pack, scenario, 'm', { ...base, thinkingControl: 'reasoning_effort' });
    expect(r.reasoning_effort).toBe('low');
    expect(r.chat_template_kwargs).toBeUndefined();
  });
  it('run overrides win; sampling from the server sends none', () => {
    expect(buildRequest(pack, scenario, 'm', { ...base, overrides: { temperature: 0.7 } }).temperature).toBe(0.7);
    const r = buildRequest(pack, scenario, 'm', { ...base, fromServer: true });
    expect(r.temperature).toBeUndefined();
    expect(r.top_p).toBeUndefined();
    expect(r.max_tokens).toBe(256);
  });
});

describe('time budget', () => {
  const meta = pack.meta;
  it('scales with slower decode and with thinking, never below the pack budget', () => {
    expect(scenarioBudgetSeconds(meta, scenario, { thinking: false, thinkingMaxTokens: 8192 })).toBe(30);
    expect(scenarioBudgetSeconds(meta, scenario, { measuredTps: 50, thinking: false, thinkingMaxTokens: 8192 })).toBe(60);
    expect(scenarioBudgetSeconds(meta, scenario, { measuredTps: 400, thinking: false, thinkingMaxTokens: 8192 })).toBe(30);
    expect(scenarioBudgetSeconds(meta, scenario, { measuredTps: 50, thinking: true, thinkingMaxTokens: 8192 })).toBe(480);
    expect(scenarioBudgetSeconds(meta, scenario, { fixedSeconds: 5, measuredTps: 1, thinking: true, thinkingMaxTokens: 8192 })).toBe(5);
  });
});

const run = (id: string, repeat: number, passed: boolean, message: Record<string, unknown> = { content: 'x' }): ScenarioRun => ({
  id,
  repeat_index: repeat,
  passed,
  failure_mode: passed ? 'passed' : 'verifier_fail',
  detail: '',
  latency_seconds: 1,
  tokens_completion: 1,
  status_code: 200,
  request: {},
  raw_response: { choices: [{ message: { role: 'assistant', ...message } }] },
  verifier_trace: null,
});

describe('pack summary', () => {
  it('pass@k counts scenarios passing in any repeat and flags the flaky ones', () => {
    const s = summarizePack({ pack_id: 'p', version: '1', scenario_count: 3, thinking_enabled: false, repeat: 2, runs: [run('A', 1, true), run('A', 2, false), run('B', 1, true), run('B', 2, true), run('C', 1, false), run('C', 2, false)] });
    expect(s).toMatchObject({ passed: 3, total: 6, pass_at_k: { k: 2, passed: 2, total: 3 }, flaky: ['A'] });
  });
  it('flags a thinking-off arm that returned reasoning, and a thinking-on arm that never did', () => {
    const contaminated = summarizePack({ pack_id: 'p', version: '1', scenario_count: 1, thinking_enabled: false, repeat: 1, runs: [run('A', 1, true, { content: 'x', reasoning_content: 'hmm' })] });
    expect(contaminated.status).toBe('thinking-contaminated');
    expect(contaminated.warnings[0]).toMatch(/not a valid no-thinking baseline/);
    const silent = summarizePack({ pack_id: 'p', version: '1', scenario_count: 1, thinking_enabled: true, repeat: 1, runs: [run('A', 1, true)] });
    expect(silent.status).toBe('thinking-silent');
    expect(summarizePack({ pack_id: 'p', version: '1', scenario_count: 1, thinking_enabled: true, repeat: 1, runs: [run('A', 1, true, { content: '<think>a</think>x' })] }).status).toBe('ok');
  });
});
