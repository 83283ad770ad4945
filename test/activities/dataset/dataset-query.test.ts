import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../workflows/shared/envelope.js';
import { publishEnvelope } from '../../../activities/publish/publish.js';
import { leaderboard, queryResults, readEnvelopes } from '../../../activities/dataset/query.js';
import { withConnection } from '../../../activities/dataset/duckdb.js';
import { SHARD_COLUMN_NAMES } from '../../../activities/publish/columns.js';
import { InputError } from '../../../activities/errors.js';

const fixtures = join(import.meta.dirname, '../../../../shared/fixtures/mlx-benchmarks');
let dir: string;
let valid: Envelope;

/** Every optional field present, non-ASCII text, raw output of several JSON kinds, a null pr_number. */
function fullEnvelope(): Envelope {
  return {
    schema_version: '1',
    timestamp: '2026-11-20T23:10:00.123+01:00',
    git_sha: '3F9C2A1DEADBEEF',
    trigger: 'pr',
    pr_number: 42,
    suite: 'throughput',
    model: 'mlx-community/Qwen3.5 9B «test»',
    model_revision: 'a1b2c3',
    quantization: 'mlx-4bit',
    skipped: false,
    seed: 1234,
    gen_kwargs: { max_gen_toks: 256, temperature: 0.7, top_p: 0.95, top_k: 40 },
    system: {
      os: 'macOS 15.3.2', chip: 'Apple M4 Max', memory_gb: 128, vllm_mlx_version: '0.2.1', runner: 'studio-1',
      python_version: '3.12.4', mlx_version: '0.26.0', mlx_lm_version: '0.25.2', lm_eval_version: '0.4.9', kernel: '24.3.0',
    },
    results: [
      {
        name: 'decode_tok_per_sec_p512_c1', metric: 'throughput', value: 71.4, unit: 'tok/s', duration_seconds: 12.5,
        prompt_tokens_per_second: 900.25, decode_tokens_per_second: 71.4, total_tokens_per_second: 140, first_token_latency_ms: 212,
        peak_rss_mb: 6144, tags: { concurrency: '1', note: 'ünïcode ✓' }, raw: { nested: [1, 'two', null, { three: 3 }] },
      },
      { name: 'ttft_p50', metric: 'latency', value: 0, unit: 'ms', raw: 'plain text' as unknown as Record<string, unknown> },
      { name: 'big', metric: 'count', value: -1.5e300, unit: 'count', tags: {}, raw: null as unknown as Record<string, unknown> },
    ],
    memory_snapshots: [
      { phase: 'before', rss_gb: 0.5 },
      { phase: 'after', rss_gb: 6.1, free_gb: 90.2, wired_gb: 4, swap_mb: 0 },
    ],
    errors: ['warm-up request timed out once', ''],
  };
}

function run(model: string, timestamp: string, value: number, extra: Partial<Envelope> = {}): Envelope {
  return {
    schema_version: '1', timestamp, git_sha: 'abcdef1', trigger: 'schedule', suite: 'reasoning', model,
    system: { os: 'Linux', chip: 'test', memory_gb: 24 },
    results: [
      { name: 'gsm8k', metric: 'accuracy', value, unit: 'ratio' },
      { name: 'gsm8k', metric: 'accuracy_stderr', value: value / 10, unit: 'ratio' },
    ],
    ...extra,
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-dataset-'));
  valid = JSON.parse(await readFile(join(fixtures, 'envelope.valid.json'), 'utf8')) as Envelope;
  for (const e of [
    run('org/a', '2026-11-01T00:00:00Z', 0.5),
    run('org/a', '2026-11-03T00:00:00Z', 0.6),
    run('org/b', '2026-11-02T00:00:00Z', 0.7),
    run('org/b', '2026-10-01T00:00:00Z', 0.9),
    run('org/c', '2026-11-04T00:00:00Z', 0.1, { suite: 'coding', results: [{ name: 'humaneval', metric: 'pass_at_1', value: 0.3, unit: 'ratio', tags: { k: 'v' } }] }),
    run('org/skipped', '2026-11-05T00:00:00Z', 0, { skipped: true, results: [] }),
  ]) {
    await publishEnvelope(e, { datasetDir: dir });
  }
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('round trip: envelope → shard → envelope', () => {
  it.each([
    ['the seed valid fixture', () => valid],
    ['an envelope with every optional field', fullEnvelope],
    ['an envelope with no results', () => ({ ...fullEnvelope(), results: [], pr_number: null })],
  ])('%s comes back deep-equal', async (_label, make) => {
    const original = make();
    const target = await mkdtemp(join(tmpdir(), 'ns-roundtrip-'));
    try {
      const outcome = await publishEnvelope(original, { datasetDir: target });
      expect(await readEnvelopes(outcome.location)).toEqual([original]);
    } finally {
      await rm(target, { recursive: true, force: true });
    }
  });

  it('the flattened columns carry the envelope values with their types', async () => {
    const target = await mkdtemp(join(tmpdir(), 'ns-columns-'));
    try {
      const outcome = await publishEnvelope(fullEnvelope(), { datasetDir: target });
      const rows = await withConnection(async (c) => {
        const s = await c.prepare(`SELECT * EXCLUDE (envelope_json), epoch_ms(timestamp) AS ms, to_json(tags)::VARCHAR AS tags_json,
          to_json(memory_snapshots)::VARCHAR AS snaps FROM read_parquet($1) ORDER BY result_index`);
        s.bindVarchar(1, outcome.location);
        return (await s.runAndReadAll()).getRowObjectsJson();
      });
      expect(rows).toHaveLength(3);
      const [first, second] = rows as Record<string, unknown>[];
      expect(first).toMatchObject({
        schema_version: '1', git_sha: '3F9C2A1DEADBEEF', trigger: 'pr', pr_number: '42', suite: 'throughput', seed: '1234',
        model_revision: 'a1b2c3', skipped: false, gen_max_gen_toks: '256', gen_temperature: 0.7, gen_top_p: 0.95, gen_top_k: '40',
        system_chip: 'Apple M4 Max', system_memory_gb: '128', system_runner: 'studio-1', system_kernel: '24.3.0',
        result_index: 0, name: 'decode_tok_per_sec_p512_c1', value: 71.4, prompt_tokens_per_second: 900.25, peak_rss_mb: 6144,
        raw_json: '{"nested":[1,"two",null,{"three":3}]}', errors: ['warm-up request timed out once', ''],
        ms: String(Date.parse('2026-11-20T22:10:00.123Z')),
      });
      expect(JSON.parse(String(first!.tags_json))).toEqual({ concurrency: '1', note: 'ünïcode ✓' });
      expect(JSON.parse(String(first!.snaps))).toEqual([
        { phase: 'before', rss_gb: 0.5, free_gb: null, wired_gb: null, swap_mb: null },
        { phase: 'after', rss_gb: 6.1, free_gb: 90.2, wired_gb: 4, swap_mb: 0 },
      ]);
      expect(second).toMatchObject({ result_index: 1, raw_json: '"plain text"', tags: null, duration_seconds: null });
    } finally {
      await rm(target, { recursive: true, force: true });
    }
  });
});

describe('every shard has the same fixed columns and standard parquet types', () => {
  it('shards of very different envelopes share one schema', async () => {
    const target = await mkdtemp(join(tmpdir(), 'ns-schema-'));
    try {
      const a = await publishEnvelope(fullEnvelope(), { datasetDir: target });
      const b = await publishEnvelope({ ...valid, results: [] }, { datasetDir: target });
      const describe = (file: string) =>
        withConnection(async (c) => {
          const s = await c.prepare('SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet($1))');
          s.bindVarchar(1, file);
          return (await s.runAndReadAll()).getRowObjectsJson();
        });
      const schemaA = await describe(a.location);
      expect(schemaA.map((r) => r.column_name)).toEqual(SHARD_COLUMN_NAMES);
      expect(await describe(b.location)).toEqual(schemaA);
      expect(Object.fromEntries(schemaA.map((r) => [r.column_name, r.column_type]))).toMatchObject({
        timestamp: 'TIMESTAMP WITH TIME ZONE',
        tags: 'MAP(VARCHAR, VARCHAR)',
        memory_snapshots: 'STRUCT(phase VARCHAR, rss_gb DOUBLE, free_gb DOUBLE, wired_gb DOUBLE, swap_mb DOUBLE)[]',
        errors: 'VARCHAR[]',
        pr_number: 'BIGINT',
        value: 'DOUBLE',
      });
    } finally {
      await rm(target, { recursive: true, force: true });
    }
  });

  it('uses parquet logical types pandas/pyarrow map directly (UTC timestamp, MAP, LIST)', async () => {
    const target = await mkdtemp(join(tmpdir(), 'ns-ptypes-'));
    try {
      const outcome = await publishEnvelope(fullEnvelope(), { datasetDir: target });
      const schema = await withConnection(async (c) => {
        const s = await c.prepare('SELECT name, type, converted_type, logical_type FROM parquet_schema($1)');
        s.bindVarchar(1, outcome.location);
        return (await s.runAndReadAll()).getRowObjectsJson() as Record<string, string | null>[];
      });
      const byName = (n: string) => schema.filter((r) => r.name === n);
      expect(byName('timestamp')[0]).toMatchObject({ type: 'INT64' });
      expect(String(byName('timestamp')[0]!.logical_type)).toMatch(/TimestampType\(isAdjustedToUTC=1.*MICROS/);
      expect(byName('tags')[0]!.converted_type).toBe('MAP');
      expect(byName('memory_snapshots')[0]!.converted_type).toBe('LIST');
      expect(byName('errors')[0]!.converted_type).toBe('LIST');
      expect(byName('envelope_json')[0]!.converted_type).toBe('UTF8');
    } finally {
      await rm(target, { recursive: true, force: true });
    }
  });
});

describe('queryResults', () => {
  it('returns every result row, oldest first, leaving out runs without results', async () => {
    const rows = await queryResults({ datasetDir: dir });
    expect(rows).toHaveLength(9);
    expect(rows[0]).toMatchObject({ timestamp: '2026-10-01T00:00:00.000Z', model: 'org/b', name: 'gsm8k', metric: 'accuracy', value: 0.9, unit: 'ratio', tags: {} });
    expect(rows.some((r) => r.model === 'org/skipped')).toBe(false);
  });

  it('filters by suite, model, metric and since, combined', async () => {
    expect((await queryResults({ datasetDir: dir }, { suite: 'coding' })).map((r) => [r.model, r.value, r.tags])).toEqual([['org/c', 0.3, { k: 'v' }]]);
    expect((await queryResults({ datasetDir: dir }, { model: 'org/a', metric: 'accuracy' })).map((r) => r.value)).toEqual([0.5, 0.6]);
    expect((await queryResults({ datasetDir: dir }, { metric: 'accuracy', since: '2026-11-02' })).map((r) => r.model)).toEqual(['org/b', 'org/a']);
    expect(await queryResults({ datasetDir: dir }, { model: "x' OR '1'='1" })).toEqual([]);
  });

  it('an empty or missing dataset has no results; a bad --since is an InputError', async () => {
    expect(await queryResults({ datasetDir: join(dir, 'nowhere') })).toEqual([]);
    await expect(queryResults({ datasetDir: dir }, { since: 'last tuesday' })).rejects.toBeInstanceOf(InputError);
  });
});

describe('leaderboard', () => {
  it('keeps the latest value per model × suite × name × metric × chip', async () => {
    const rows = await leaderboard({ datasetDir: dir }, { metric: 'accuracy' });
    expect(rows.map((r) => [r.model, r.value, r.timestamp, r.chip])).toEqual([
      ['org/a', 0.6, '2026-11-03T00:00:00.000Z', 'test'],
      ['org/b', 0.7, '2026-11-02T00:00:00.000Z', 'test'],
    ]);
    expect(await leaderboard({ datasetDir: dir })).toHaveLength(5);
  });
});
