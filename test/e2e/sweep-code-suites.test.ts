// The code suites in a sweep (issue 14): evalplus (HumanEval+) and code-accuracy (LiveCodeBench) on a real
// Temporal dev server with in-process workers, against the simulated endpoint with scripted answers. One
// simulated model answers with known-correct code, one with wrong code; the model code runs in the
// sandbox, and each published envelope must say which passed and why the others failed. A sweep that did
// not opt in to code execution is refused before any model code runs.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnvelopes } from '../../activities/dataset/query.js';
import { resolvePacks } from '../../activities/suites/quality/pack-loader.js';
import type { Pack, Scenario } from '../../activities/suites/quality/pack-types.js';
import { lcbFunctionName } from '../../activities/suites/quality/verifiers/code-reasoning.js';
import { benchmarkSweep } from '../../workflows/benchmark-sweep.js';
import { isRecord } from '../../workflows/shared/records.js';
import { startSweepRig, type SweepRig } from '../support/sweep-rig.js';
import { ensureTool } from '../support/tools.js';

const RIGHT = 'sim-coder-right';
const WRONG = 'sim-coder-wrong';
const HUMANEVAL = ['HumanEval-0', 'HumanEval-12', 'HumanEval-25'];
const LCB = ['LCBv6-3702', 'LCBv6-3684', 'LCBv6-3768'];
let rig: SweepRig | undefined;

const entryPoint = (s: Scenario): string => {
  const raw = isRecord(s.raw_problem) ? s.raw_problem : {};
  return typeof raw.entry_point === 'string' ? raw.entry_point : lcbFunctionName(raw);
};

beforeAll(async () => {
  const fixtures = join(import.meta.dirname, '..', 'activities', 'quality', 'fixtures');
  const answers = {
    ...(JSON.parse(await readFile(join(fixtures, 'humaneval-plus-answers.json'), 'utf8')) as Record<string, string>),
    ...(JSON.parse(await readFile(join(fixtures, 'lcb-v6-answers.json'), 'utf8')) as Record<string, string>),
  };
  ensureTool('sandbox');
  ensureTool('benchlocal');
  const packs: Pack[] = await resolvePacks(['humaneval-plus-30', 'lcb-v6-30']);
  const scenarios = packs.flatMap((p) => p.scenarios).filter((s) => [...HUMANEVAL, ...LCB].includes(s.id));
  // Each scenario's prompt names its function: that is what the scripts match on.
  const signature = (s: Scenario) => (s.id.startsWith('LCB') ? `def ${entryPoint(s)}(self` : `def ${entryPoint(s)}(`);
  const right = scenarios.map((s) => ({ match: signature(s), reply: answers[s.id] }));
  const wrong = scenarios.map((s) =>
    s.id.startsWith('LCB')
      ? { match: signature(s), reply: `class Solution:\n    def ${entryPoint(s)}(self, *args):\n        return -1\n` }
      : { match: signature(s), reply: `\`\`\`python\ndef ${entryPoint(s)}(*args):\n    assert False, "not implemented"\n\`\`\`` },
  );
  const model = (id: string, scripts: unknown[]) => ({ id, preload: true, ttft_ms: 1, decode_tokens_per_second: 20000, prefill_tokens_per_second: 1_000_000, jitter: 0, scripts });
  rig = await startSweepRig('code-suites', { seed: 5, max_loaded_models: 2, models: [model(RIGHT, right), model(WRONG, wrong)] });
});

afterAll(async () => rig?.close());

function sweep(id: string, allow: boolean) {
  const codeConfig = (scenarios: string[]) => ({ scenarios, timeout_per_case: 30, allow_code_execution: allow });
  return rig!.h.client.workflow.start(benchmarkSweep, {
    taskQueue: 'nightshift',
    workflowId: `${id}-${process.pid}`,
    args: [
      {
        models: [RIGHT, WRONG],
        suites: ['evalplus', 'code-accuracy'],
        endpoint: rig!.sim.url,
        hostQueue: rig!.hostQueue,
        warmUp: false,
        unload: false,
        suiteAttempts: 1,
        suiteConfig: { evalplus: codeConfig(HUMANEVAL), 'code-accuracy': codeConfig(LCB) },
      },
    ],
  });
}

async function envelopeOf(suite: string, model: string) {
  const shards = (await readdir(join(rig!.dir, 'dataset', 'data'))).filter((f) => f.includes(`-${suite}-${model}-`));
  expect(shards, `${suite} ${model}`).toHaveLength(1);
  const [envelope] = await readEnvelopes(join(rig!.dir, 'dataset', 'data', shards[0]!));
  return envelope!;
}

describe('code suites in a sweep', { timeout: 300_000 }, () => {
  it('right answers pass and wrong ones fail, per scenario, with the failure modes of the tests that ran', async () => {
    const result = await (await sweep('code-suites', true)).result();
    expect(result.counts).toEqual({ passed: 4, failed: 0, skipped: 0 });

    const passRate = async (suite: string, model: string, pack: string) => (await envelopeOf(suite, model)).results.find((r) => r.name === pack && r.metric === 'pass_rate');
    expect((await passRate('evalplus', RIGHT, 'humaneval-plus-30'))?.value).toBe(1);
    expect((await passRate('code-accuracy', RIGHT, 'lcb-v6-30'))?.value).toBe(1);
    expect((await passRate('evalplus', WRONG, 'humaneval-plus-30'))?.value).toBe(0);
    expect((await passRate('code-accuracy', WRONG, 'lcb-v6-30'))?.value).toBe(0);

    const modes = async (suite: string, model: string): Promise<Record<string, string | undefined>> =>
      Object.fromEntries((await envelopeOf(suite, model)).results.filter((r) => r.metric === 'pass').map((r) => [String(r.tags?.scenario_id), r.tags?.failure_mode]));
    expect(await modes('evalplus', RIGHT)).toEqual(Object.fromEntries(HUMANEVAL.map((id) => [id, 'passed'])));
    // The wrong code raises AssertionError in the function itself, or returns a wrong value to the tests.
    expect(await modes('evalplus', WRONG)).toEqual(Object.fromEntries(HUMANEVAL.map((id) => [id, 'wrong_answer'])));
    expect(await modes('code-accuracy', WRONG)).toEqual(Object.fromEntries(LCB.map((id) => [id, 'wrong_answer'])));
    const wrongLcb = (await envelopeOf('code-accuracy', WRONG)).results.find((r) => r.metric === 'pass');
    expect(JSON.stringify(wrongLcb?.raw)).toMatch(/expected .*, got -1/);
  });

  it('without allow_code_execution the suites fail with how to allow it, and no code runs', async () => {
    const before = rig!.sim.stats().models[RIGHT]?.routes['/v1/chat/completions'] ?? 0;
    // Every pair failing ends the sweep red (PairsFailed), each pair with the refusal as its error.
    const failure = await (await sweep('code-suites-refused', false)).result().then(
      () => undefined,
      (e: unknown): string => (e as { cause?: { message?: string } }).cause?.message ?? '',
    );
    expect(failure).toMatch(/^4 of 4 pairs failed/);
    for (const pair of [`${RIGHT} · evalplus`, `${RIGHT} · code-accuracy`, `${WRONG} · evalplus`, `${WRONG} · code-accuracy`]) {
      expect(failure).toContain(`${pair}: ConfigError: `);
    }
    expect(failure?.match(/nothing is executed without allow_code_execution = true/g)).toHaveLength(4);
    expect(rig!.sim.stats().models[RIGHT]?.routes['/v1/chat/completions'] ?? 0).toBe(before);
  });
});
