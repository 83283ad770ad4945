import { mkdtemp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../../workflows/shared/envelope.js';
import { publishEnvelope } from '../../../activities/publish/publish.js';
import { leaderboard, queryResults } from '../../../activities/dataset/query.js';
import { INDEX_DIR, INDEX_FILE, REINDEX_AFTER } from '../../../activities/dataset/index-file.js';
import { withConnection } from '../../../activities/dataset/duckdb.js';

let dir: string;
const envelope = (i: number): Envelope => ({
  schema_version: '1',
  timestamp: new Date(Date.UTC(2026, 10, 1) + i * 60_000).toISOString(),
  git_sha: 'abcdef1',
  trigger: 'schedule',
  suite: 'throughput',
  model: `org/model-${i % 3}`,
  system: { os: 'Linux', chip: 'test', memory_gb: 24 },
  results: i % 10 === 9 ? [] : [{ name: 'decode', metric: 'throughput', value: i, unit: 'tok/s', tags: { i: String(i) } }],
});
const indexPath = () => join(dir, INDEX_DIR, INDEX_FILE);
const indexedShards = () =>
  withConnection(async (c) => {
    const s = await c.prepare('SELECT count(DISTINCT shard) AS n FROM read_parquet($1)');
    s.bindVarchar(1, indexPath());
    return Number((await s.runAndReadAll()).getRowObjectsJson()[0]!.n);
  });
const values = async () => (await queryResults({ datasetDir: dir })).map((r) => r.value);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-index-'));
  for (let i = 0; i < REINDEX_AFTER + 6; i++) await publishEnvelope(envelope(i), { datasetDir: dir });
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const expected = (n: number) => Array.from({ length: n }, (_, i) => i).filter((i) => i % 10 !== 9);

describe('the derived index beside the shards', () => {
  it('is built by the first query once enough shards are uncovered, and answers the same', async () => {
    expect(await readdir(dir)).toEqual(['data']);
    expect(await values()).toEqual(expected(REINDEX_AFTER + 6));
    expect(await indexedShards()).toBe(REINDEX_AFTER + 6);
  });

  it('shards published after the index are read directly until the next rebuild', async () => {
    for (let i = REINDEX_AFTER + 6; i < REINDEX_AFTER + 8; i++) await publishEnvelope(envelope(i), { datasetDir: dir });
    expect(await values()).toEqual(expected(REINDEX_AFTER + 8));
    expect(await indexedShards()).toBe(REINDEX_AFTER + 6);
    const board = await leaderboard({ datasetDir: dir });
    // Latest run with a result per model (every tenth run has none).
    const latest = (m: number) => Math.max(...expected(REINDEX_AFTER + 8).filter((i) => i % 3 === m));
    expect(board.map((r) => [r.model, r.value])).toEqual([0, 1, 2].map((m) => [`org/model-${m}`, latest(m)]));
  });

  it('never returns rows of a shard that is gone, and a damaged index is ignored', async () => {
    const names = (await readdir(join(dir, 'data'))).sort();
    await unlink(join(dir, 'data', names[0]!));
    expect(await values()).toEqual(expected(REINDEX_AFTER + 8).slice(1));
    await writeFile(indexPath(), 'not parquet');
    expect(await values()).toEqual(expected(REINDEX_AFTER + 8).slice(1));
    expect(await indexedShards()).toBe(REINDEX_AFTER + 7);
  });
});
