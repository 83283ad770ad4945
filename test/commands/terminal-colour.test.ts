// Tables carry ANSI colour only on a terminal and never when NO_COLOR is set (no-color.org): a summary
// piped into a file or another program is plain text.
import { describe, expect, it } from 'vitest';
import { colourWanted, terminalTable } from '../../client/terminal/table.js';
import { summaryTable } from '../../client/temporal/summary.js';
import { render } from '../../client/results/show-results.js';
import type { SweepProgress } from '../../workflows/progress.js';
import type { ResultRow } from '../../activities/dataset/query.js';

const ESC = '\u001b[';

const progress: SweepProgress = {
  sweepId: 's-1',
  state: 'completed',
  models: [{ model: 'sim-a', slug: 'sim-a', workflowId: 's-1/sim-a', state: 'failed', memory: [], suites: [{ suite: 'ttft', state: 'failed', attempt: 1, error: 'HTTP 400' }] }],
  page: { offset: 0, limit: 100 },
  totals: { models: 1, pairs: 1 },
  counts: { passed: 0, failed: 1, skipped: 0 },
  failures: [],
  queuedRetries: [],
};

const row: ResultRow = {
  timestamp: '2026-11-24T00:00:00Z', suite: 'ttft', model: 'sim-a', name: 'ttft', metric: 'ttft_ms', value: 40, unit: 'ms',
  git_sha: '0000000', trigger: 'manual', model_revision: null, quantization: null, tags: {}, envelope_hash: 'ab',
};

describe('colour in tables', () => {
  it('the sweep summary and the results table are plain text when stdout is not a terminal', () => {
    expect(process.stdout.isTTY).not.toBe(true);
    expect(summaryTable(progress)).not.toContain(ESC);
    expect(render([row], 'table')).not.toContain(ESC);
  });

  it('colours a terminal, unless NO_COLOR is set to anything but the empty string', () => {
    expect(colourWanted({ isTTY: true }, {})).toBe(true);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colourWanted({ isTTY: false }, {})).toBe(false);
    expect(colourWanted({}, {})).toBe(false);
  });

  // Whether the colours reach the screen is also up to the colour library's own terminal detection (CI has
  // no TERM), so this checks what the table is told to draw: cli-table3's default colours, or none.
  it('a table for a terminal keeps its colours; one for a pipe has none', () => {
    const style = (stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = {}) => terminalTable({ head: ['a'] }, stream, env).options.style;
    expect(style({ isTTY: true }).head).toEqual(['red']);
    expect(style({ isTTY: true }).border).toEqual(['grey']);
    expect(style({ isTTY: false })).toMatchObject({ head: [], border: [] });
    expect(style({ isTTY: true }, { NO_COLOR: '1' })).toMatchObject({ head: [], border: [] });
  });
});
