import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../client/cli.js';
import { readEnvelopes } from '../../../activities/dataset/query.js';

const root = join(import.meta.dirname, '../../..');
const fixtures = join(root, '../shared/fixtures/mlx-benchmarks');
const validFile = join(fixtures, 'envelope.valid.json');
let dir: string;
let out: string;
let err: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-cli-publish-'));
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
});
afterEach(async () => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  await rm(dir, { recursive: true, force: true });
});

const publish = (...args: string[]) => main(['publish', validFile, '--kind', 'envelope', '--dataset-dir', join(dir, 'ds'), ...args]);
const written = async () => readdir(join(dir, 'ds', 'data')).catch(() => [] as string[]);

describe('nightshift publish', () => {
  it('publishes, then reports unchanged on the second run (exit 0 both times)', async () => {
    expect(await publish()).toBe(0);
    expect(out).toMatch(/^written: data\/run-20260424T183000Z-aaa3ff3-reasoning-mlx-community--Qwen3\.5-9B-MLX-4bit-[0-9a-f]{8}\.parquet \(1 row\)/);
    out = '';
    expect(await publish()).toBe(0);
    expect(out).toMatch(/^unchanged: .* nothing written/);
    expect(await written()).toHaveLength(1);
  });

  it('--dry-run prints the planned path and row count and writes nothing', async () => {
    expect(await publish('--dry-run')).toBe(0);
    expect(out).toMatch(/^dry run: would write data\/run-.*\.parquet \(1 row\)/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('--log-format json prints the outcome as JSON; overrides and --tag reach the shard', async () => {
    expect(await publish('--log-format', 'json', '--model', 'other/model', '--git-sha', 'ABCDEF0123', '--trigger', 'pr', '--pr-number', '17',
      '--timestamp', '2026-11-23T01:02:03Z', '--tag', 'host=studio', '--tag', 'note=a=b')).toBe(0);
    const outcome = JSON.parse(out) as { status: string; location: string; path: string };
    expect(outcome.status).toBe('written');
    expect(outcome.path).toMatch(/^data\/run-20261123T010203Z-abcdef0123-reasoning-other--model-/);
    const [envelope] = await readEnvelopes(outcome.location);
    expect(envelope).toMatchObject({ model: 'other/model', git_sha: 'ABCDEF0123', trigger: 'pr', pr_number: 17, timestamp: '2026-11-23T01:02:03Z' });
    expect(envelope!.results[0]!.tags).toEqual({ lm_eval_key: 'exact_match,flexible-extract', n_limit: '10', host: 'studio', note: 'a=b' });
  });

  it.each([
    [['--tag', 'novalue'], /--tag "novalue" is not KEY=VALUE/],
    [['--tag', '=x'], /--tag "=x" is not KEY=VALUE/],
    [['--timestamp', 'yesterday'], /--timestamp "yesterday" is not an ISO 8601 date-time/],
    [['--timestamp', '2026-02-30T00:00:00'], /--timestamp .* is not an ISO 8601 date-time with a zone/],
    [['--pr-number', '-3'], /--pr-number "-3" is not a pull request number/],
    [['--pr-number', '1.5'], /--pr-number "1.5"/],
    [['--git-sha', 'xyz'], /--git-sha "xyz" is not a commit/],
    [['--repo-id', 'a/b'], /either --dataset-dir or --repo-id/],
  ])('bad argument %j exits 2 with a message and writes nothing', async (args, message) => {
    expect(await publish(...args)).toBe(2);
    expect(err).toMatch(message);
    expect(await readdir(dir)).toEqual([]);
  });

  it('unknown --kind, --trigger or --suite values and a missing --kind exit 2', async () => {
    expect(await main(['publish', validFile, '--kind', 'nope', '--dataset-dir', dir])).toBe(2);
    expect(await main(['publish', validFile, '--dataset-dir', dir])).toBe(2);
    expect(await publish('--trigger', 'nightly')).toBe(2);
    expect(await publish('--suite', 'cooking')).toBe(2);
    expect(await readdir(dir)).toEqual([]);
  });

  it('an unreadable or non-JSON envelope file exits 2', async () => {
    const truncated = join(dir, 'truncated.json');
    await writeFile(truncated, (await readFile(validFile, 'utf8')).slice(0, 40));
    expect(await main(['publish', truncated, '--kind', 'envelope', '--dataset-dir', join(dir, 'ds')])).toBe(2);
    expect(err).toMatch(/truncated\.json is not JSON/);
    expect(await main(['publish', join(dir, 'missing.json'), '--kind', 'envelope', '--dataset-dir', join(dir, 'ds')])).toBe(2);
    expect(await written()).toEqual([]);
  });

  it('an invalid envelope exits 3 listing its problems; --no-validate publishes it when the layout allows', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify({ ...JSON.parse(await readFile(validFile, 'utf8')), trigger: 'cron' }));
    expect(await main(['publish', file, '--kind', 'envelope', '--dataset-dir', join(dir, 'ds')])).toBe(3);
    expect(err).toMatch(/\$\.trigger: must be one of/);
    expect(await written()).toEqual([]);
    expect(await main(['publish', file, '--kind', 'envelope', '--no-validate', '--dataset-dir', join(dir, 'ds')])).toBe(0);
    expect(await written()).toHaveLength(1);
  });

  it('the seed invalid fixture exits 3 even with --no-validate (the layout needs a hex git_sha and a date)', async () => {
    const invalid = join(fixtures, 'envelope.invalid.json');
    expect(await main(['publish', invalid, '--kind', 'envelope', '--no-validate', '--dataset-dir', join(dir, 'ds')])).toBe(3);
    expect(err).toMatch(/\$\.timestamp.*\$\.git_sha/s);
    expect(await written()).toEqual([]);
  });

  it('a dataset directory that cannot be written exits 2 naming the flag, before converting anything', async () => {
    await writeFile(join(dir, 'file'), 'x');
    const target = join(dir, 'file', 'ds');
    expect(await main(['publish', validFile, '--kind', 'envelope', '--dataset-dir', target])).toBe(2);
    expect(err).toContain(`--dataset-dir: cannot write to ${target}: ${join(dir, 'file')} is a file, not a directory`);
  });
});

describe('nightshift publish with a converter', () => {
  const lmEval = join(fixtures, 'lm_eval_with_samples');
  it('converts lm-eval output (system detected, git sha from the repo) and publishes it', async () => {
    expect(await main(['publish', lmEval, '--kind', 'lm-eval', '--suite', 'reasoning', '--dataset-dir', join(dir, 'ds'), '--log-format', 'json'])).toBe(0);
    const outcome = JSON.parse(out) as { status: string; location: string; rows: number };
    expect(outcome.status).toBe('written');
    const [envelope] = await readEnvelopes(outcome.location);
    expect(envelope!.suite).toBe('reasoning');
    expect(envelope!.git_sha).toMatch(/^[0-9a-f]{40}$/);
    expect(envelope!.system.memory_gb).toBeGreaterThan(0);
    expect(outcome.rows).toBe(envelope!.results.length);
  });

  it('the wrong --kind for a file exits 2 and writes nothing; converters need --suite', async () => {
    expect(await main(['publish', lmEval, '--kind', 'vllm-bench', '--suite', 'reasoning', '--git-sha', 'abcdef1', '--dataset-dir', join(dir, 'ds')])).toBe(2);
    expect(await main(['publish', lmEval, '--kind', 'lm-eval', '--git-sha', 'abcdef1', '--dataset-dir', join(dir, 'ds')])).toBe(2);
    expect(err).toMatch(/--suite is required with --kind lm-eval/);
    expect(await written()).toEqual([]);
  });

  it('without --git-sha outside a git repository it fails clearly (exit 2)', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(await main(['publish', lmEval, '--kind', 'lm-eval', '--suite', 'reasoning', '--dataset-dir', join(dir, 'ds')])).toBe(2);
    } finally {
      process.chdir(cwd);
    }
    expect(err).toMatch(/--git-sha not given and .* is not inside a git repository/);
  });
});

describe('nightshift results', () => {
  it('lists published results as json, csv and table', async () => {
    expect(await publish('--tag', 'k=v,w')).toBe(0);
    out = '';
    expect(await main(['results', '--dataset-dir', join(dir, 'ds'), '--format', 'json'])).toBe(0);
    expect(JSON.parse(out)).toEqual([expect.objectContaining({ model: 'mlx-community/Qwen3.5-9B-MLX-4bit', metric: 'exact_match_flexible', value: 0.8 })]);
    out = '';
    expect(await main(['results', '--dataset-dir', join(dir, 'ds'), '--format', 'csv', '--suite', 'reasoning'])).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe('timestamp,suite,model,name,metric,value,unit,git_sha,trigger,tags');
    expect(lines[1]).toContain('2026-04-24T18:30:00.000Z,reasoning,mlx-community/Qwen3.5-9B-MLX-4bit,gsm8k_cot_zeroshot,exact_match_flexible,0.8,ratio,aaa3ff3,local,');
    expect(lines[1]).toContain('"{""lm_eval_key"":""exact_match,flexible-extract"",""n_limit"":""10"",""k"":""v,w""}"');
    out = '';
    expect(await main(['results', '--dataset-dir', join(dir, 'ds'), '--metric', 'exact_match_flexible'])).toBe(0);
    expect(out).toContain('gsm8k_cot_zeroshot');
    expect(out).toMatch(/1 result\n$/);
    out = '';
    expect(await main(['results', '--dataset-dir', join(dir, 'ds'), '--model', 'nobody', '--format', 'json'])).toBe(0);
    expect(JSON.parse(out)).toEqual([]);
  });

  it('a bad --since or --format exits 2', async () => {
    expect(await main(['results', '--dataset-dir', dir, '--since', 'someday'])).toBe(2);
    expect(err).toMatch(/--since "someday"/);
    expect(await main(['results', '--dataset-dir', dir, '--format', 'xml'])).toBe(2);
  });
});

describe('mlx-bench-publish', () => {
  it('is nightshift publish under the seed name (exit codes included)', async () => {
    const bin = join(root, 'client/bin/mlx-bench-publish.mjs');
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, [bin, validFile, '--kind', 'envelope', '--dataset-dir', join(dir, 'ds'), '--dry-run']);
    expect(stdout).toMatch(/^dry run: would write data\/run-20260424T183000Z-aaa3ff3-reasoning-/);
    const failed = await run(process.execPath, [bin, validFile, '--kind', 'envelope', '--tag', 'bad']).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toMatch(/--tag "bad" is not KEY=VALUE/);
  });
});
