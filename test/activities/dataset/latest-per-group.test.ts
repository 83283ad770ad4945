// The one leaderboard rule through `leaderboard()` and `nightshift results --latest`, and the direction
// a result records. (test/viewer/leaderboard-rule.test.ts checks the viewer and its export agree.)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { directionOf } from '../../../activities/dataset/direction.js';
import { leaderboard } from '../../../activities/dataset/query.js';
import { registerResultsCommand } from '../../../client/commands/results.js';
import { RULE_CHIPS, ruleAnswer, writeRuleDataset, type RuleAnswer } from '../../support/sample-dataset.js';

let dir: string;
let expected: RuleAnswer[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-rule-'));
  expected = await writeRuleDataset(dir);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('directionOf', () => {
  it('takes the better tag over the guess from unit and name', () => {
    expect(directionOf({ tags: { better: 'lower' }, name: 'wikitext_word_perplexity', metric: 'word_perplexity', unit: 'score' })).toEqual({ better: 'lower', source: 'tag' });
    expect(directionOf({ tags: { better: 'higher' }, name: 'ttft_ms', metric: 'latency', unit: 'ms' })).toEqual({ better: 'higher', source: 'tag' });
  });

  it('guesses, and says so, when the tag is missing or not a direction', () => {
    expect(directionOf({ name: 'ttft_ms', metric: 'latency', unit: 'ms' })).toEqual({ better: 'lower', source: 'guessed' });
    expect(directionOf({ tags: { better: 'down' }, name: 'x', metric: 'accuracy', unit: 'ratio' })).toEqual({ better: 'higher', source: 'guessed' });
    expect(directionOf({ tags: null, name: 'decode', metric: 'throughput', unit: 'tok/s' })).toEqual({ better: 'higher', source: 'guessed' });
  });
});

describe('leaderboard(): the latest result per model × suite × name × metric × chip', () => {
  it('keeps one row per chip, breaks a timestamp tie by the smaller envelope hash, and reports direction', async () => {
    const rows = await leaderboard({ datasetDir: dir });
    expect(rows.map(ruleAnswer)).toEqual(expected);
    expect(rows.filter((r) => r.name === 'decode_tok_per_sec').map((r) => r.chip)).toEqual([...RULE_CHIPS]);
  });

  it('honours the filters', async () => {
    expect((await leaderboard({ datasetDir: dir }, { suite: 'reasoning' })).map((r) => r.model)).toEqual(['sim-a', 'sim-b']);
    // Since a date after the tie, only the M4 run is left for sim-a's decode speed.
    const since = await leaderboard({ datasetDir: dir }, { metric: 'throughput', since: '2026-11-03' });
    expect(since.map((r) => [r.chip, r.value])).toEqual([[RULE_CHIPS[1], 80]]);
  });
});

describe('nightshift results --latest', () => {
  let out = '';
  const results = async (...args: string[]) => {
    out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
    const program = new Command().exitOverride();
    registerResultsCommand(program);
    await program.parseAsync(['results', '--dataset-dir', dir, ...args], { from: 'user' });
    return out;
  };
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('prints the leaderboard rows as json, csv and table', async () => {
    const json = JSON.parse(await results('--latest', '--format', 'json')) as Array<Record<string, unknown>>;
    expect(json.map(ruleAnswer)).toEqual(expected);

    const csv = (await results('--latest', '--suite', 'throughput', '--format', 'csv')).trim().split('\n');
    expect(csv[0]).toBe('timestamp,suite,model,chip,name,metric,value,unit,better,better_source,git_sha,trigger,tags');
    expect(csv.slice(1).map((line) => line.split(',').slice(3, 7).join(' '))).toEqual(
      expected.slice(2).map((r) => `${r.chip} ${r.name} ${r.metric} ${r.value}`),
    );

    const table = await results('--latest', '--metric', 'word_perplexity');
    expect(table).toMatch(/sim-a.*5\.2.*lower /);
    expect(table).toMatch(/2 results\n$/);
    // Guessed directions are marked in the table.
    expect(await results('--latest', '--suite', 'throughput')).toMatch(/80 .*higher\?/);
  });

  it('without the flag still lists every result', async () => {
    const json = JSON.parse(await results('--format', 'json')) as Array<Record<string, unknown>>;
    expect(json).toHaveLength(6);
    expect(json[0]).not.toHaveProperty('chip');
  });
});
