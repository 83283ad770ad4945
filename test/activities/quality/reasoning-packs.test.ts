// benchlocal-cli's reasoning packs as Nightshift judges them. HumanEval+ and LiveCodeBench run the answer
// in the code sandbox: known-correct solutions (written for these tests: the packs carry no canonical
// solutions) pass every problem they cover, empty and wrong answers fail every problem. GPQA ships no data
// and is reported dataset-unavailable, as benchlocal-cli reports it. (GSM-Symbolic's verdicts are compared
// with the real benchlocal-cli in reasoning-conformance.test.ts.)
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryJournal } from '../../../activities/journal/journal.js';
import { findSandbox } from '../../../activities/sandbox/detect.js';
import { type ExecutionContext, executionContext } from '../../../activities/suites/quality/code/execution-context.js';
import { extractPython } from '../../../activities/suites/quality/code/extract-python.js';
import { judgeResponse } from '../../../activities/suites/quality/judge.js';
import { resolvePacks } from '../../../activities/suites/quality/pack-loader.js';
import type { Pack, Scenario } from '../../../activities/suites/quality/pack-types.js';
import { runQuality } from '../../../activities/suites/quality/runner.js';
import { lcbFunctionName, withTypingPrelude } from '../../../activities/suites/quality/verifiers/code-reasoning.js';
import { isRecord } from '../../../workflows/shared/records.js';
import { ensureTool } from '../../support/tools.js';

const reply = (content: string) => ({ choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }] });
const fixture = async (name: string) => JSON.parse(await readFile(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as Record<string, string>;
const entryPoint = (s: Scenario): string => {
  const raw = isRecord(s.raw_problem) ? s.raw_problem : {};
  return typeof raw.entry_point === 'string' ? raw.entry_point : lcbFunctionName(raw);
};

let execution: ExecutionContext;
let humaneval: Pack;
let lcb: Pack;

beforeAll(async () => {
  // The sandbox and benchlocal-cli's packs, from the project's own setup scripts.
  ensureTool('sandbox');
  ensureTool('benchlocal');
  const sandbox = await findSandbox();
  if (!sandbox.found) throw new Error(sandbox.reason);
  execution = executionContext(sandbox.executor);
  [humaneval, lcb] = await resolvePacks(['humaneval-plus-30', 'lcb-v6-30']) as [Pack, Pack];
});

/** Judges every scenario with the answer `answerFor` gives, two at a time (the CI machine has two cores). */
async function judgeAll(pack: Pack, answerFor: (s: Scenario) => string | undefined) {
  const chosen = pack.scenarios.filter((s) => answerFor(s) !== undefined);
  const verdicts: Array<{ id: string; passed: boolean; failure_mode: string; detail: string }> = [];
  for (let i = 0; i < chosen.length; i += 2) {
    const batch = chosen.slice(i, i + 2);
    verdicts.push(...(await Promise.all(batch.map(async (s) => ({ id: s.id, ...(await judgeResponse(s, reply(answerFor(s) as string), execution)) })))));
  }
  return verdicts;
}

describe('extracting the code as benchlocal-cli does', () => {
  it.each([
    ['the last fenced block', 'first:\n```python\nx = 1\n```\nthen:\n```python\ny = 2\n```', 'y = 2\n', 'last_fenced'],
    ['an unterminated opening fence', '```python\ndef f():\n    return 1\n', 'def f():\n    return 1', 'opening_fence'],
    ['a fence opened after prose', 'Sure.\n```py\nimport os\nprint(1)', 'import os\nprint(1)', 'opening_fence_anywhere'],
    ['a language label', 'python\nSolution below\ndef f(): pass', 'def f(): pass', 'code_start_after_language_label'],
    ['bare code after prose', 'The answer is\nclass Solution:\n    pass', 'class Solution:\n    pass', 'code_start'],
    ['a stray closing fence is dropped', 'def f(x): return x\n```', 'def f(x): return x', 'code_start'],
    ['nothing code-like', 'I cannot help with that.', '', 'empty'],
  ])('%s', (_, text, code, method) => {
    const got = extractPython(text);
    expect(got.code).toBe(code);
    expect(got.extraction_method).toBe(method);
  });

  it('puts `from typing import *` after __future__ imports, keeping the final newline', () => {
    expect(withTypingPrelude('from __future__ import annotations\nx = 1\n')).toBe('from __future__ import annotations\nfrom typing import *\nx = 1\n');
    expect(withTypingPrelude('x = 1')).toBe('from typing import *\nx = 1');
  });
});

describe('HumanEval+ in the sandbox', { timeout: 600_000 }, () => {
  it('known-correct solutions pass all 30 problems (their full EvalPlus tests)', async () => {
    const answers = await fixture('humaneval-plus-answers.json');
    const verdicts = await judgeAll(humaneval, (s) => answers[s.id]);
    expect(verdicts).toHaveLength(30);
    expect(verdicts.filter((v) => !v.passed).map((v) => `${v.id}: ${v.failure_mode} ${v.detail.slice(-300)}`)).toEqual([]);
  });

  it('wrong solutions fail every problem (an AssertionError: wrong_answer; a TypeError in the checker: verifier_fail), empty answers with no_answer_found', async () => {
    const wrong = await judgeAll(humaneval, (s) => `def ${entryPoint(s)}(*args, **kwargs):\n    return None\n`);
    expect(wrong).toHaveLength(30);
    expect(wrong.filter((v) => v.passed)).toEqual([]);
    for (const v of wrong) expect(v.detail).toMatch(v.failure_mode === 'wrong_answer' ? /AssertionError/ : /TypeError/);
    const empty = await judgeAll(humaneval, () => '');
    expect(empty.map((v) => v.failure_mode)).toEqual(Array(30).fill('no_answer_found'));
  });

  it('a solution that does not compile is verifier_fail; one that loops is stopped as timeout', async () => {
    const [first] = humaneval.scenarios as [Scenario];
    expect((await judgeResponse(first, reply('def has_close_elements(numbers, threshold)\n    return False\n'), execution)).failure_mode).toBe('verifier_fail');
    const loop = await judgeResponse(first, reply('def has_close_elements(numbers, threshold):\n    while True:\n        pass\n'), execution);
    expect(loop.failure_mode).toBe('timeout');
  });
});

describe('LiveCodeBench v6 in the sandbox', { timeout: 600_000 }, () => {
  it('known-correct solutions pass the problems they cover (a subset written for these tests)', async () => {
    const answers = await fixture('lcb-v6-answers.json');
    const verdicts = await judgeAll(lcb, (s) => answers[s.id]);
    expect(verdicts.length).toBe(Object.keys(answers).length);
    expect(verdicts.length).toBeGreaterThanOrEqual(10);
    expect(verdicts.filter((v) => !v.passed).map((v) => `${v.id}: ${v.failure_mode} ${v.detail.slice(-300)}`)).toEqual([]);
  });

  it('wrong solutions fail all 30 problems', async () => {
    const wrong = await judgeAll(lcb, (s) => `class Solution:\n    def ${entryPoint(s)}(self, *args):\n        return None\n`);
    expect(wrong).toHaveLength(30);
    expect(wrong.filter((v) => v.passed)).toEqual([]);
    expect(new Set(wrong.map((v) => v.failure_mode))).toEqual(new Set(['wrong_answer']));
  });
});

describe('GPQA Diamond', () => {
  it('is reported dataset-unavailable with the pack\'s access note, asking the model nothing', async () => {
    const [gpqa] = await resolvePacks(['gpqa-diamond']);
    const sampling = { thinkingControl: 'enable_thinking' as const, thinkingMaxTokens: 4096, overrides: {}, fromServer: false };
    const transport = { send: () => Promise.reject(new Error('no request expected')), probeDecodeTps: () => Promise.resolve(undefined), serverDefaults: () => Promise.resolve(undefined), close: () => Promise.resolve() };
    const result = await runQuality({ endpoint: 'http://127.0.0.1:9', model: 'm', packs: [gpqa!], mode: 'reasoning', sampling, timeoutPerCaseSeconds: 5 }, { journal: memoryJournal(), transport });
    expect(result.packs).toHaveLength(1);
    expect(result.packs[0]).toMatchObject({ pack_id: 'gpqa-diamond', status: 'dataset-unavailable', skipped: true, passed: 0, total: 0, scenarios: [] });
    expect(result.warnings).toContain(gpqa!.meta.dataset_access_note);
  });
});
