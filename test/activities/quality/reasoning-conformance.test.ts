// GSM-Symbolic-30 verdicts: Nightshift's answer_match verifier against the real benchlocal-cli (installed
// by deploy/setup/install-benchlocal.sh into .tools) on the same saved responses. benchlocal-cli judges a
// response given with --mock-responses-from-json without any endpoint; the pack repeats one scenario id for
// all 30 rows, so each run gives one response to all 30 problems (30 different expected answers), and
// each response below is one run: 14 responses × 30 problems = 420 verdicts compared.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeResponse } from '../../../activities/suites/quality/judge.js';
import { resolvePacks } from '../../../activities/suites/quality/pack-loader.js';
import type { Pack } from '../../../activities/suites/quality/pack-types.js';
import { ensureTool } from '../../support/tools.js';

const run = promisify(execFile);
const message = (content: string, extra: Record<string, unknown> = {}, finish = 'stop') => ({
  choices: [{ index: 0, finish_reason: finish, message: { role: 'assistant', content, ...extra } }],
});

// Saved responses covering each rule of the scorer: where the answer is read, number shapes, channels.
const RESPONSES: Record<string, Record<string, unknown>> = {
  'plain ANSWER line': message('Step 1: 7 x 6 = 42 feet.\nANSWER: 20'),
  'no ANSWER line: every number counts': message('The remoras are 42 feet long, which is 20 percent of 210.'),
  'percent sign and prose': message('42 / 210 = 0.2\nANSWER: 20%'),
  'thousands separator': message('ANSWER: 1,234'),
  'lower case, negative': message('so the answer: -5'),
  'FINAL label, decimal': message('FINAL: 12.5'),
  'first ANSWER wins over a later one': message('my answer: 4\n...\nANSWER: 20'),
  'full-width colon, Arabic-Indic digits': message('ANSWER：٢٠'),
  'colon then a line break': message('ANSWER:\n20'),
  'answer only in reasoning_content': message('', { reasoning_content: 'thinking... ANSWER: 20' }),
  'leaked think block is removed': message('<think>ANSWER: 999</think>\nANSWER: 20'),
  'no number at all': message('I am not sure.'),
  'truncated at max_tokens': message('Let me compute 3 + 4 = 7 and', {}, 'length'),
  'several numbers on the final line': message('ANSWER: between 15 and 20, so 18'),
};

let pack: Pack;
let scratch: string;
let benchlocal: string;

beforeAll(async () => {
  // The pack is read from the installed benchlocal-cli, the verdicts compared with its own.
  benchlocal = ensureTool('benchlocal');
  [pack] = (await resolvePacks(['gsm-symbolic-30'])) as [Pack];
  scratch = await mkdtemp(join(tmpdir(), 'ns-gsm-conformance-'));
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

interface Verdict {
  passed: boolean;
  failure_mode: string;
  detail: string;
}

/** benchlocal-cli's verdicts for one response given to every scenario, in pack order. */
async function benchlocalVerdicts(name: string, response: Record<string, unknown>): Promise<Verdict[]> {
  const slug = name.replace(/\W+/g, '-');
  const mock = join(scratch, `${slug}.mock.json`);
  const out = join(scratch, `${slug}.result.json`);
  await writeFile(mock, JSON.stringify({ 'GSM-SYM-0000': response }));
  await run(benchlocal, ['run', '--pack', 'gsm-symbolic-30', '--mock-responses-from-json', mock, '--endpoint', 'http://127.0.0.1:9', '--model', 'saved-responses', '--save-json', out, '--output', 'json', '--no-retry'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: scratch },
    maxBuffer: 64 << 20,
  });
  const saved = JSON.parse(await readFile(out, 'utf8')) as { packs: Array<{ pack_id: string; scenarios: Verdict[] }> };
  return (saved.packs.find((p) => p.pack_id === 'gsm-symbolic-30')?.scenarios ?? []).map(({ passed, failure_mode, detail }) => ({ passed, failure_mode, detail }));
}

describe('GSM-Symbolic-30: Nightshift and the real benchlocal-cli on the same responses', { timeout: 300_000 }, () => {
  it('every verdict (pass, failure mode, detail) is the same', async () => {
    const names = Object.keys(RESPONSES);
    const theirs = new Map<string, Verdict[]>();
    for (let i = 0; i < names.length; i += 2) {
      const batch = names.slice(i, i + 2);
      const results = await Promise.all(batch.map((n) => benchlocalVerdicts(n, RESPONSES[n]!)));
      batch.forEach((n, j) => theirs.set(n, results[j]!));
    }
    const differences: string[] = [];
    let compared = 0;
    let passes = 0;
    for (const name of names) {
      const response = RESPONSES[name]!;
      const expected = theirs.get(name)!;
      expect(expected, name).toHaveLength(30);
      for (const [i, scenario] of pack.scenarios.entries()) {
        const ours = await judgeResponse(scenario, response, undefined);
        const them = expected[i]!;
        compared++;
        if (ours.passed) passes++;
        if (ours.passed !== them.passed || ours.failure_mode !== them.failure_mode || ours.detail !== them.detail) {
          differences.push(`${name} / ${scenario.id}: nightshift ${ours.failure_mode} "${ours.detail}", benchlocal-cli ${them.failure_mode} "${them.detail}"`);
        }
      }
    }
    expect(differences).toEqual([]);
    expect(compared).toBe(420);
    // Not a vacuous comparison: the set holds passes and every kind of failure.
    expect(passes).toBeGreaterThan(10);
    const modes = new Set([...theirs.values()].flat().map((v) => v.failure_mode));
    expect(modes).toEqual(new Set(['passed', 'wrong_answer', 'no_answer_found', 'token_limit']));
  });
});
