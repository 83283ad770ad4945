// Progress for pipes and logs: a line when a pair starts, is retried or ends, never a repeat; a failed or
// skipped pair carries the first line of its reason.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressLines } from '../../client/temporal/summary.js';
import type { SuiteProgressState, SweepProgress } from '../../workflows/progress.js';

const sweep = (suites: SuiteProgressState[]): SweepProgress => ({
  sweepId: 's',
  state: 'running',
  models: [{ model: 'm', slug: 'm', workflowId: 's/m', state: 'running', memory: [], suites }],
  page: { offset: 0, limit: 100 },
  totals: { models: 1, pairs: suites.length },
  counts: { passed: 0, failed: 0, skipped: 0 },
  failures: [],
  queuedRetries: [],
});

describe('progressLines', () => {
  it('prints each change of a pair once', () => {
    let text = '';
    const stream = new Writable({
      write: (chunk: Buffer, _e, done) => {
        text += chunk.toString();
        done();
      },
    });
    const lines = progressLines(stream);
    lines.update(sweep([{ suite: 'ttft', state: 'pending', attempt: 0 }, { suite: 'throughput', state: 'pending', attempt: 0 }]));
    lines.update(sweep([{ suite: 'ttft', state: 'running', attempt: 1 }, { suite: 'throughput', state: 'pending', attempt: 0 }]));
    lines.update(sweep([{ suite: 'ttft', state: 'running', attempt: 1, completed: 3, total: 9 }, { suite: 'throughput', state: 'pending', attempt: 0 }]));
    lines.update(sweep([{ suite: 'ttft', state: 'running', attempt: 2 }, { suite: 'throughput', state: 'pending', attempt: 0 }]));
    lines.update(sweep([{ suite: 'ttft', state: 'passed', attempt: 2 }, { suite: 'throughput', state: 'failed', attempt: 1, error: 'HTTP 500\nstack…' }]));
    const shown = text.trim().split('\n').map((l) => l.replace(/^\S+Z /, ''));
    expect(shown).toEqual(['m · ttft running', 'm · ttft running (attempt 2)', 'm · ttft passed (attempt 2)', 'm · throughput failed: HTTP 500']);
  });
});
