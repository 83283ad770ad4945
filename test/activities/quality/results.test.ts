// Saved results: benchlocal-cli's file reads, rescores to the same verdicts, renders the table and
// summary; regressions between two results are found per pack and per scenario.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPackFile } from '../../../activities/suites/quality/pack-loader.js';
import { compareResults } from '../../../activities/suites/quality/regression.js';
import { renderReport } from '../../../activities/suites/quality/report.js';
import { rescoreResult } from '../../../activities/suites/quality/rescore.js';
import { readQualityResult } from '../../../activities/suites/quality/result-file.js';
import { inspectResult } from '../../../activities/suites/quality/inspect.js';

const fixtures = fileURLToPath(new URL('../../../../shared/fixtures/benchlocal/', import.meta.url));
const packIds = ['dataextract-15', 'instructfollow-15', 'reasonmath-15', 'structoutput-15', 'toolcall-15'];

describe('saved quality results', async () => {
  const sample = await readQualityResult(`${fixtures}result-sample-mock-responses.json`);
  const packs = await Promise.all(packIds.map((id) => loadPackFile(`${fixtures}packs/${id}.jsonl`)));

  it('rescoring the benchlocal-cli sample with the shared packs changes no verdict', () => {
    const { result, changes, rescored } = rescoreResult(sample, packs);
    expect(rescored).toBe(7);
    expect(changes).toEqual([]);
    expect(result.totals).toEqual({ passed: 4, total: 7, score: 4 / 7 });
  });

  it('rescoring without the packs falls back to the scenario copies the file embeds', () => {
    const { changes, rescored } = rescoreResult(sample, []);
    expect(rescored).toBe(7);
    expect(changes).toEqual([]);
  });

  it('renders the table, failure breakdown and Quality line', () => {
    const text = renderReport(sample);
    expect(text).toContain('| Pack | Pass / Total | Score | p50 latency | p95 latency | Status |');
    expect(text).toContain('| toolcall-15 v1.0.1 | 1 / 2 | 50.0% |');
    expect(text).toMatch(/\| \*\*TOTAL\*\* \| \*\*4 \/ 7\*\* \| \*\*57\.1%\*\* \|/);
    expect(text).toContain("- toolcall-15 TC-02: verifier_fail (expected first tool get_stock_price, got ['web_search'])");
    expect(text).toContain('- reasonmath-15 RM-04: token_limit (output truncated at token limit');
    expect(text).toMatch(/^Quality: 4\/7 \(57\.1%\) for mock, mode custom, .*toolcall-15@1\.0\.1.*, 2026-11-23$/m);
  });

  it('finds pack and scenario regressions, and nothing when compared with itself', () => {
    expect(compareResults(sample, sample).regressions).toEqual([]);
    const worse = structuredClone(sample);
    const tc = worse.packs.find((p) => p.pack_id === 'toolcall-15')!;
    tc.scenarios[0]!.passed = false;
    tc.passed = 0;
    tc.score = 0;
    const c = compareResults(sample, worse);
    expect(c.regressions.map((r) => `${r.pack_id}${r.scenario ? `/${r.scenario}` : ''}`)).toEqual(['toolcall-15', 'toolcall-15/TC-01']);
    expect(compareResults(worse, sample).improvements).toHaveLength(2);
  });

  it('inspect shows one scenario in full and narrows to a mode', () => {
    const full = inspectResult(sample, { scenario: 'TC-02', full: true });
    expect(full).toContain('toolcall-15 TC-02 (repeat 1): FAIL verifier_fail');
    expect(full).toContain('"name": "web_search"');
    const quick = inspectResult(sample, { mode: 'quick' });
    expect(quick).toContain('toolcall-15');
    expect(quick).not.toContain('dataextract-15 v');
    expect(() => inspectResult(sample, { scenario: 'XX-99' })).toThrow(/--scenario XX-99: not in this result/);
  });
});
