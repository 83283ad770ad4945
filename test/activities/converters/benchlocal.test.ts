import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchlocalConverter } from '../../../activities/converters/benchlocal.js';
import { validateEnvelope } from '../../../activities/envelope/validate.js';
import { context, fixture, tempDir, writeFiles } from './support/context.js';

const SAMPLE = fixture('benchlocal', 'result-sample-mock-responses.json');

describe('benchlocal converter', () => {
  it('one result per pack (score, pass/total, p50/p95 latency) plus the total', async () => {
    const e = await benchlocalConverter.convert(SAMPLE, context({ suite: 'capability-comparison' }));
    expect(validateEnvelope(e).issues).toEqual([]);
    expect(e.model).toBe('mock');
    expect(e.timestamp).toBe('2026-11-23T02:33:32.924Z');
    expect(e.results.map((r) => [r.name, r.metric, r.value, r.unit, r.tags?.passed, r.tags?.total])).toEqual([
      ['dataextract-15', 'score', 1, 'ratio', '1', '1'],
      ['instructfollow-15', 'score', 0, 'ratio', '0', '1'],
      ['reasonmath-15', 'score', 0.5, 'ratio', '1', '2'],
      ['structoutput-15', 'score', 1, 'ratio', '1', '1'],
      ['toolcall-15', 'score', 0.5, 'ratio', '1', '2'],
      ['total', 'score', 0.5714285714285714, 'ratio', '4', '7'],
    ]);
    const reason = e.results[2];
    // latency in benchlocal's file is seconds; tags carry milliseconds
    expect(reason?.tags).toMatchObject({ latency_p50_ms: '1.16', latency_p95_ms: '2.268', pack_version: '1.0.0', pack_thinking_enabled: 'true' });
    expect(reason?.raw).not.toHaveProperty('scenarios');
    const total = e.results[5];
    expect(total?.duration_seconds).toBeCloseTo(32.985971 - 32.924262, 5);
    expect(total?.tags?.equivalent_score_150).toBe('86');
    expect(e.errors).toEqual(['benchlocal warning: timeout scaling active: measured_decode_tps=50.0, reference_tps=100.0, scale=2.00']);
    // packs sample differently (thinking packs at temperature 1): per-pack tags, nothing run-wide
    expect(e.gen_kwargs).toBeUndefined();
    expect(reason?.tags).toMatchObject({ gen_max_gen_toks: '16384', gen_temperature: '1', gen_top_p: '0.95', gen_top_k: '20' });
    expect(e.results[4]?.tags).toMatchObject({ gen_max_gen_toks: '512', gen_temperature: '0', gen_top_p: '1' });
  });

  it('a skipped pack gives no result and an error line; the rest converts', async () => {
    const doc = JSON.parse(await readFile(SAMPLE, 'utf8')) as { packs: Array<Record<string, unknown>> };
    doc.packs[1] = { ...doc.packs[1], skipped: true, score: null, status: 'skipped' };
    const dir = await tempDir();
    await writeFiles(dir, { 'r.json': doc });
    const e = await benchlocalConverter.convert(join(dir, 'r.json'), context());
    expect(validateEnvelope(e).valid).toBe(true);
    expect(e.results.map((r) => r.name)).not.toContain('instructfollow-15');
    expect(e.errors).toContain('benchlocal pack instructfollow-15 did not run (status "skipped"); no result');
  });
});
