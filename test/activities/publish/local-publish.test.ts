import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { publishEnvelope, publishEnvelopes } from '../../../activities/publish/publish.js';
import { canonicalJson, sha256Hex } from '../../../activities/publish/canonical.js';
import { SchemaError, PublishError, InputError } from '../../../activities/errors.js';
import { readEnvelopes } from '../../../activities/dataset/query.js';

const fixture = join(import.meta.dirname, '../../../../shared/fixtures/mlx-benchmarks/envelope.valid.json');
let dir: string;
let envelope: Record<string, unknown>;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-publish-'));
  envelope = JSON.parse(await readFile(fixture, 'utf8')) as Record<string, unknown>;
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const shards = async () => (await readdir(join(dir, 'data')).catch(() => [] as string[])).sort();

describe('publishEnvelope to a local dataset', () => {
  it('names the shard from timestamp, sha, suite, model slug and the canonical hash', async () => {
    const outcome = await publishEnvelope(envelope, { datasetDir: dir });
    const hash = sha256Hex(canonicalJson(envelope));
    expect(outcome).toMatchObject({ status: 'written', target: 'local', rows: 1, hash });
    expect(outcome.path).toBe(`data/run-20260424T183000Z-aaa3ff3-reasoning-mlx-community--Qwen3.5-9B-MLX-4bit-${hash.slice(0, 8)}.parquet`);
    expect(await shards()).toEqual([outcome.path.slice('data/'.length)]);
    expect(await readEnvelopes(outcome.location)).toEqual([envelope]);
  });

  it('re-publishing the same envelope (keys in another order) writes nothing and says unchanged', async () => {
    const first = await publishEnvelope(envelope, { datasetDir: dir });
    const reordered = Object.fromEntries(Object.entries(envelope).reverse());
    const second = await publishEnvelope(reordered, { datasetDir: dir });
    expect(second).toMatchObject({ status: 'unchanged', path: first.path });
    expect(await shards()).toHaveLength(1);
  });

  it('a changed envelope gets its own shard', async () => {
    const first = await publishEnvelope(envelope, { datasetDir: dir });
    const second = await publishEnvelope({ ...envelope, seed: 7 }, { datasetDir: dir });
    expect(second.status).toBe('written');
    expect(second.path).not.toBe(first.path);
    expect(await shards()).toHaveLength(2);
  });

  it('concurrent publishes of one envelope both succeed and leave exactly one intact shard', async () => {
    const outcomes = await Promise.all(Array.from({ length: 4 }, () => publishEnvelope(envelope, { datasetDir: dir })));
    expect(outcomes.map((o) => o.status).sort()).toEqual(['unchanged', 'unchanged', 'unchanged', 'written']);
    const names = await readdir(join(dir, 'data'));
    expect(names).toHaveLength(1);
    expect(await readEnvelopes(join(dir, 'data', names[0]!))).toEqual([envelope]);
  });

  it('--dry-run plans the path and row count and writes nothing', async () => {
    const outcome = await publishEnvelope(envelope, { datasetDir: dir, dryRun: true });
    expect(outcome).toMatchObject({ status: 'planned', rows: 1 });
    expect(outcome.path).toMatch(/^data\/run-.*\.parquet$/);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses an invalid envelope with every problem and writes nothing', async () => {
    const bad = { ...envelope, trigger: 'nightly', results: [{ name: 'x', metric: 'm', value: 'high', unit: 'ratio' }] };
    const error = await publishEnvelope(bad, { datasetDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaError);
    expect((error as SchemaError).issues.map((i) => i.path).sort()).toEqual(['$.results[0].value', '$.trigger']);
    expect(await readdir(dir)).toEqual([]);
  });

  it('--no-validate writes an envelope the schema rejects when the layout can hold it', async () => {
    const offSchema = { ...envelope, trigger: 'nightly', extra_field: true };
    const outcome = await publishEnvelope(offSchema, { datasetDir: dir, validate: false });
    expect(outcome.status).toBe('written');
    expect(await readEnvelopes(outcome.location)).toEqual([offSchema]);
  });

  it('--no-validate still refuses what the shard layout cannot hold, naming the fields', async () => {
    const broken = { ...envelope, git_sha: '../../etc', timestamp: 'yesterday', results: 'none' };
    const error = await publishEnvelope(broken, { datasetDir: dir, validate: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaError);
    expect((error as SchemaError).message).toMatch(/\$\.timestamp.*\$\.git_sha.*\$\.results/s);
    expect(await readdir(dir)).toEqual([]);
  });

  it('an unwritable dataset directory is a PublishError naming it, and nothing is written', async () => {
    const blocker = join(dir, 'not-a-dir');
    await writeFile(blocker, 'x');
    const target = join(blocker, 'dataset');
    const error = await publishEnvelope(envelope, { datasetDir: target }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as Error).message).toContain(target);
    expect(await readdir(dir)).toEqual(['not-a-dir']);
  });

  it('rejects --dataset-dir together with --repo-id', async () => {
    await expect(publishEnvelope(envelope, { datasetDir: dir, repoId: 'me/data' })).rejects.toBeInstanceOf(InputError);
  });

  it('an envelope without results still gets one row, with null result columns', async () => {
    const empty = { ...envelope, results: [], skipped: true };
    const outcome = await publishEnvelope(empty, { datasetDir: dir });
    expect(outcome.rows).toBe(1);
    expect(await readEnvelopes(outcome.location)).toEqual([empty]);
  });

  it('publishEnvelopes writes a batch concurrently, outcomes in input order, duplicates unchanged', async () => {
    const batch = [0, 1, 2, 1, 3, 0].map((seed) => ({ ...envelope, seed }));
    const outcomes = await publishEnvelopes(batch, { datasetDir: dir }, 3);
    expect(outcomes.map((o) => o.hash)).toEqual(batch.map((e) => sha256Hex(canonicalJson(e))));
    expect(outcomes.filter((o) => o.status === 'written')).toHaveLength(4);
    expect(outcomes.filter((o) => o.status === 'unchanged')).toHaveLength(2);
    expect(await shards()).toHaveLength(4);
    for (const o of outcomes) expect(await readEnvelopes(o.location)).toHaveLength(1);
  });
});
