// Conformance with benchlocal-cli: rescoring the raw responses saved in its result sample with
// Nightshift's verifiers and the shared BenchLocal packs reproduces every scenario's verdict.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPackFile } from '../../../activities/suites/quality/pack-loader.js';
import { scoreResponse } from '../../../activities/suites/quality/verifiers/index.js';

const fixtures = fileURLToPath(new URL('../../../../shared/fixtures/benchlocal/', import.meta.url));

interface SampleScenario {
  id: string;
  passed: boolean;
  failure_mode: string;
  detail: string;
  raw_response: unknown;
}

describe('benchlocal-cli conformance', async () => {
  const sample = JSON.parse(await readFile(`${fixtures}result-sample-mock-responses.json`, 'utf8')) as {
    packs: Array<{ pack_id: string; scenarios: SampleScenario[] }>;
  };
  const cases = sample.packs.flatMap((p) => p.scenarios.map((s) => ({ pack: p.pack_id, ...s })));

  it('covers every scenario of the sample', () => {
    expect(cases.length).toBe(7);
  });

  it.each(cases)('$pack $id → $failure_mode', async (c) => {
    const pack = await loadPackFile(`${fixtures}packs/${c.pack}.jsonl`);
    const scenario = pack.scenarios.find((s) => s.id === c.id);
    expect(scenario, `${c.id} in ${c.pack}`).toBeDefined();
    const verdict = scoreResponse(scenario!, c.raw_response);
    expect(verdict.passed).toBe(c.passed);
    expect(verdict.failure_mode).toBe(c.failure_mode);
    expect(verdict.detail).toBe(c.detail);
  });
});
