// The terminal's tables — the sweep summary and `nightshift results` — and the sweep's progress: a summary table that fits the terminal (ids shortened in the middle, the
// shards' folder and the reasons below it) and bars that say failed/skipped/queued instead of "100 %",
// never go backwards within a run of a pair, and show "starting" instead of "0/?".
import { describe, expect, it } from 'vitest';
import { barView, summaryTable } from '../../client/temporal/summary.js';
import { shortenMiddle } from '../../client/terminal/table.js';
import { render } from '../../client/results/show-results.js';
import type { ResultRow } from '../../activities/dataset/query.js';
import type { ModelProgress, SweepProgress } from '../../workflows/progress.js';

const model = (id: string, suites: ModelProgress['suites']): ModelProgress => ({ model: id, slug: id, workflowId: `s/${id}`, state: 'passed', memory: [], suites });
const sweep = (models: ModelProgress[]): SweepProgress => ({
  sweepId: 'sweep-1',
  state: 'completed',
  models,
  page: { offset: 0, limit: 100 },
  totals: { models: models.length, pairs: 3 },
  counts: { passed: 1, failed: 1, skipped: 1 },
  failures: [],
  queuedRetries: [],
});

const long = 'mlx-community/Qwen3.5-27B-Instruct-2507-MLX-4bit-DWQ-with-a-very-long-suffix';
const progress = sweep([
  model(long, [{ suite: 'throughput', state: 'passed', attempt: 1, elapsedMs: 61_000, shard: '/srv/nightshift/dataset/data/2026/11/24/run-20261124T020000Z-throughput-qwen3-5-27b-instruct-2507-mlx-4bit-dwq-0123abcd.parquet' }]),
  model('sim-b', [
    { suite: 'ttft', state: 'failed', attempt: 3, error: 'HTTP 500 from the model server\n  at stack' },
    { suite: 'throughput', state: 'skipped', attempt: 0, error: 'skipped by request: too slow tonight' },
  ]),
]);

describe('summaryTable', () => {
  it('fits an 80-column terminal, shortening the long id and shard name in the middle', () => {
    const text = summaryTable(progress, 80);
    const tableLines = text.split('\n').filter((l) => /^[┌│├└]/.test(l));
    for (const line of tableLines) expect(line.length).toBeLessThanOrEqual(80);
    expect(text).toContain('│ mlx-comm');
    expect(text).toContain('…');
  });

  it('shows the shards folder once and each reason below the table, not in the shard column', () => {
    const text = summaryTable(progress, undefined);
    expect(text).toContain('│ run-20261124T020000Z-throughput-qwen3-5-27b-instruct-2507-mlx-4bit-dwq-0123abcd.parquet │');
    expect(text).toContain('\nshards in /srv/nightshift/dataset/data/2026/11/24\n');
    expect(text).toContain('\nsim-b · ttft failed: HTTP 500 from the model server\n');
    expect(text).toMatch(/\nsim-b · throughput skipped: skipped by request: too slow tonight$/);
    expect(text).not.toContain('at stack');
  });

  it('a pipe gets the whole table, nothing shortened', () => {
    expect(summaryTable(progress, undefined)).toContain(long);
  });
});

describe('barView', () => {
  it('failed and skipped pairs are not drawn as done', () => {
    expect(barView({ suite: 't', state: 'failed', attempt: 3, completed: 4, total: 10 }, false, 0)).toEqual({ value: 4, total: 10, status: 'failed' });
    expect(barView({ suite: 't', state: 'skipped', attempt: 0 }, false, 0)).toEqual({ value: 0, total: 1, status: 'skipped' });
    expect(barView({ suite: 't', state: 'passed', attempt: 2, total: 10 }, false, 3)).toEqual({ value: 10, total: 10, status: 'passed in attempt 2' });
  });

  it('says starting until the total is known, and never goes back within a run', () => {
    expect(barView({ suite: 't', state: 'running', attempt: 1 }, false, 0).status).toBe('starting');
    expect(barView({ suite: 't', state: 'running', attempt: 1, completed: 0, total: 60 }, false, 2)).toMatchObject({ value: 2, status: '2/60 3%' });
  });

  it('a pair queued by sweep retry is shown as queued', () => {
    expect(barView({ suite: 't', state: 'failed', attempt: 3 }, true, 5)).toEqual({ value: 0, total: 1, status: 'queued for retry (was failed)' });
  });
});

describe('shortenMiddle', () => {
  it('keeps both ends', () => {
    expect(shortenMiddle('abcdefghij', 5)).toBe('ab…ij');
    expect(shortenMiddle('abc', 5)).toBe('abc');
    expect(shortenMiddle('abcdefghij', 1)).toBe('a');
  });
});

describe('results table', () => {
  const row = (name: string): ResultRow => ({
    timestamp: '2026-11-24T02:00:00Z', suite: 'ttft', model: long, name, metric: 'ttft_ms', value: 40.5, unit: 'ms',
    git_sha: '0123456789abcdef0123456789abcdef01234567', trigger: 'schedule', model_revision: null, quantization: null, tags: {}, envelope_hash: 'ab',
  });
  const rows = [row('ttft_ms_p2048_c16_with_a_long_scenario_suffix'), row('ttft_ms_p32_c1')];

  it('fits a 120-column terminal, keeping the value and unit whole', () => {
    const text = render(rows, 'table', undefined, 120);
    for (const line of text.split('\n').filter((l) => /^[┌│├└]/.test(l))) expect(line.length).toBeLessThanOrEqual(120);
    expect(text).toMatch(/│ 40\.5\s+│ ms\s+│/);
    expect(text).toContain('…');
  });

  it('a pipe gets every character', () => {
    expect(render(rows, 'table', undefined, undefined)).toContain(long);
  });
});
