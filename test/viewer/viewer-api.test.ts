import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startViewer, type RunningViewer } from '../../client/viewer/server.js';
import { leaderboard } from '../../client/viewer/queries.js';
import { ViewerStore } from '../../client/viewer/store.js';
import { publishEnvelope } from '../../activities/publish/publish.js';
import { sampleEnvelope, SAMPLE_MODELS, writeSampleDataset } from '../support/sample-dataset.js';

describe('viewer API over a published dataset', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ns-viewer-'));
  let viewer: RunningViewer;
  let store: ViewerStore;
  // Loose view of API bodies: the assertions below check their shape.
  type Body = Record<string, unknown> & Array<Record<string, unknown> & { points: Array<{ value: number }> }> & {
    warnings: Array<{ kind: string; file: string }>;
    envelope: unknown;
    better: Record<string, string>;
    models: string[];
  };
  const get = async (path: string) => {
    const res = await fetch(`${viewer.url}${path}`);
    return { status: res.status, body: (await res.json()) as Body };
  };

  beforeAll(async () => {
    await writeSampleDataset(dir, { damaged: true, foreign: true });
    store = await ViewerStore.open(dir);
    viewer = await startViewer(store, { port: 0, temporalUiUrl: 'http://localhost:8233', temporalNamespace: 'default' });
    return () => viewer.close();
  });

  it('reports damaged and foreign shards and still loads the rest', async () => {
    const { body } = await get('/api/status');
    expect(body.shards).toBe(26);
    expect(body.rows).toBe(4 * 3 * 3); // 4 nights × 3 models × (2 throughput rows + 1 reasoning row)
    const kinds = body.warnings.map((w) => `${w.kind}:${w.file}`).sort();
    expect(kinds).toEqual([
      'older-schema:run-20261001T000000Z-abcdef1-throughput-seed-11111111.parquet',
      'unreadable:run-20261101T000000Z-abcdef1-ttft-broken-00000000.parquet',
    ]);
  });

  it('leaderboard keeps only the latest result per model and measurement, with direction', async () => {
    const { body } = await get('/api/leaderboard?suite=throughput');
    expect(body).toHaveLength(SAMPLE_MODELS.length * 2);
    const ttft = body.filter((r) => r.name === 'ttft_ms_p512_c1');
    expect(ttft.every((r) => r.better === 'lower' && r.better_source === 'tag' && r.timestamp === '2026-11-04T23:00:00Z')).toBe(true);
    const decode = body.find((r) => r.model === 'sim-qwen-9b-4bit' && r.name === 'decode_tok_per_sec_p512_c1');
    expect(decode).toMatchObject({ value: 73, better: 'higher', better_source: 'tag', quantization: '4bit', chip: 'Apple M4 Max' });
    // The reasoning results carry no `better` tag (as older shards): their direction is a labelled guess.
    const reasoning = (await get('/api/leaderboard?suite=reasoning')).body;
    expect(reasoning.map((r) => `${String(r.better)}/${String(r.better_source)}`)).toEqual(SAMPLE_MODELS.map(() => 'higher/guessed'));
  });

  it('filters by date range and rejects unknown parameters and bad dates', async () => {
    const early = await get('/api/leaderboard?suite=reasoning&until=2026-11-02T23:30:00Z');
    expect(early.body.every((r) => r.timestamp === '2026-11-02T23:00:00Z')).toBe(true);
    expect((await get('/api/leaderboard?sutie=x')).status).toBe(400);
    expect((await get('/api/leaderboard?since=yesterday-ish')).body.error).toMatch(/"since" must be a date/);
  });

  it('parses every parameter strictly: a value the database would choke on is a 400 with a message, never SQL', async () => {
    // Date.parse('1') is a date in V8 (2001) but not one DuckDB casts: this used to answer 500 with its SQL.
    for (const path of ['/api/runs?since=1', '/api/leaderboard?until=2026', '/api/runs?since=2026-13-40', '/api/trends?models=a&measure=x|y|z&since=tomorrow']) {
      const { status, body } = await get(path);
      expect(status, path).toBe(400);
      expect(String(body.error), path).toMatch(/must be a date/);
      expect(String(body.error), path).not.toMatch(/SELECT|CAST|Conversion Error|DuckDB/i);
    }
    expect((await get('/api/runs?since=2026-11-02')).status).toBe(200);
    expect((await get('/api/runs?since=2026-11-02T23:30:00%2B01:00')).status).toBe(200);
    expect((await get('/api/run/00000000')).status).toBe(404);
  });

  it('treats filter values as data, never as SQL', async () => {
    const { status, body } = await get(`/api/leaderboard?suite=${encodeURIComponent("x' OR '1'='1")}`);
    expect(status).toBe(200);
    expect(body).toEqual([]);
  });

  it('trends return one series per requested model, in time order', async () => {
    const models = SAMPLE_MODELS.slice(0, 2).join(',');
    const { body } = await get(`/api/trends?models=${models}&measure=${encodeURIComponent('throughput|decode_tok_per_sec_p512_c1|throughput')}`);
    expect(body).toHaveLength(2);
    expect(body[0]!.points.map((p) => p.value)).toEqual([70, 71, 72, 73]);
  });

  it('run detail returns the exact envelope, a Temporal link and directions', async () => {
    const runs = (await get('/api/runs?suite=throughput&model=sim-qwen-9b-4bit')).body;
    expect(runs).toHaveLength(4);
    const detail = (await get(`/api/run/${String(runs[0]!.envelope_hash)}`)).body;
    expect(detail.envelope).toEqual(sampleEnvelope('sim-qwen-9b-4bit', 3, 'throughput'));
    expect(detail.temporal).toBe('http://localhost:8233/namespaces/default/workflows/nightly-3/run-1/history');
    expect(detail.better['ttft_ms_p512_c1|latency']).toBe('lower');
    expect((await get('/api/run/deadbeef')).status).toBe(404);
  });

  it('picks up shards published after start', async () => {
    await publishEnvelope({ ...sampleEnvelope('sim-new-model-4bit', 9, 'reasoning') }, { datasetDir: dir });
    await store.refresh(true);
    const { body } = await get('/api/facets');
    expect(body.models).toContain('sim-new-model-4bit');
  });
});

describe('viewer over an empty dataset', () => {
  it('reports zero shards without failing', async () => {
    const store = await ViewerStore.open(mkdtempSync(join(tmpdir(), 'ns-viewer-empty-')));
    expect(await store.status()).toMatchObject({ shards: 0, rows: 0, warnings: [] });
  });
});

describe('viewer over a dataset large enough for the derived index', () => {
  it('starts from the index, matches a direct read, and drops shards deleted since', async () => {
    const { existsSync, readdirSync, rmSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'ns-viewer-index-'));
    for (let night = 0; night < 24; night++) {
      // The first night's throughput results carry `better` tags, which must survive the index.
      for (const model of SAMPLE_MODELS) await publishEnvelope(sampleEnvelope(model, night, night === 0 ? 'throughput' : 'reasoning'), { datasetDir: dir });
    }
    const store = await ViewerStore.open(dir);
    expect(existsSync(join(dir, 'index', 'results.parquet'))).toBe(true);
    expect(await store.status()).toMatchObject({ shards: 72, rows: 72 + 3, warnings: [] });
    const tagged = await leaderboard(store, { suite: 'throughput' });
    expect(tagged.map((r) => r.better_source)).toEqual(SAMPLE_MODELS.flatMap(() => ['tag', 'tag']));

    const victim = readdirSync(join(dir, 'data')).sort()[0]!;
    rmSync(join(dir, 'data', victim));
    const reopened = await ViewerStore.open(dir);
    // The first shard by name is a first-night throughput run: two rows.
    expect(await reopened.status()).toMatchObject({ shards: 71, rows: 72 + 3 - 2 });
  });
});

describe('viewer API: an unexpected failure', () => {
  it('answers 500 without the database message or SQL, and reports the details to the viewer log', async () => {
    const failing = { refresh: () => Promise.reject(new Error('Conversion Error: SELECT * FROM results WHERE CAST($since AS TIMESTAMPTZ)')) } as unknown as ViewerStore;
    const logged: string[] = [];
    const viewer = await startViewer(failing, {
      port: 0,
      temporalUiUrl: 'http://localhost:8233',
      temporalNamespace: 'default',
      onInternalError: (path, error) => logged.push(`${path}: ${String(error)}`),
    });
    try {
      const res = await fetch(`${viewer.url}/api/runs`);
      const text = await res.text();
      expect(res.status).toBe(500);
      expect(text).not.toMatch(/SELECT|Conversion Error/);
      expect(JSON.parse(text)).toEqual({ error: expect.stringMatching(/internal error answering \/api\/runs/) as unknown });
      expect(logged).toEqual([expect.stringMatching(/^\/api\/runs: Error: Conversion Error: SELECT/) as unknown]);
    } finally {
      await viewer.close();
    }
  });
});
