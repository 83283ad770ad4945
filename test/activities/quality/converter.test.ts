// The nightshift-quality converter: a saved result becomes a schema-valid envelope per suite, holding
// only that suite's packs; a suite with no packs in the file is refused with the packs it does have.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { getConverter } from '../../../activities/converters/registry.js';
import type { RunContext } from '../../../activities/converters/types.js';
import { validateEnvelope } from '../../../activities/envelope/validate.js';
import { findDeclaration } from '../../../activities/suites/catalog.js';
import { resolveSuite } from '../../../activities/suites/suite-config.js';
import { runQualitySuite } from '../../../activities/suites/quality/suite-runner.js';

const sample = fileURLToPath(new URL('../../../../shared/fixtures/benchlocal/result-sample-mock-responses.json', import.meta.url));
const context = (suite: RunContext['suite']): RunContext => ({
  suite,
  gitSha: 'abcdef1',
  trigger: 'local',
  system: { os: 'Linux', chip: 'test', memory_gb: 24 },
});

describe('nightshift-quality converter', () => {
  it('publishes ToolCall under tool-calling, one pass result per scenario, schema-valid', async () => {
    const envelope = await getConverter('nightshift-quality').convert(sample, context('tool-calling'));
    expect(validateEnvelope(envelope).valid).toBe(true);
    expect(envelope.model).toBe('mock');
    const names = envelope.results.map((r) => `${r.name}:${r.metric}`);
    expect(names).toContain('toolcall-15:pass_rate');
    expect(names).toContain('toolcall-15/TC-02:pass');
    expect(names.some((n) => n.startsWith('reasonmath-15'))).toBe(false);
    const tc02 = envelope.results.find((r) => r.name === 'toolcall-15/TC-02')!;
    expect(tc02.value).toBe(0);
    expect(tc02.tags?.failure_mode).toBe('verifier_fail');
  });

  it('puts the other packs under capability-comparison', async () => {
    const cc = await getConverter('nightshift-quality').convert(sample, context('capability-comparison'));
    expect(validateEnvelope(cc).valid).toBe(true);
    expect(new Set(cc.results.map((r) => r.tags?.pack_id))).toEqual(new Set(['dataextract-15', 'instructfollow-15', 'reasonmath-15', 'structoutput-15']));
    expect(cc.results.find((r) => r.name === 'reasonmath-15' && r.metric === 'pass_rate')?.value).toBe(0.5);
  });

  it('declares tool-calling and capability-comparison as the quality runner\'s suites, each with its own packs', async () => {
    const quality = ['tool-calling', 'capability-comparison'].map((s) => findDeclaration(s, 'nightshift'));
    expect(await quality[0]!.runner()).toBe(runQualitySuite);
    expect(await quality[1]!.runner()).toBe(runQualitySuite);
    expect(Object.keys(quality[0]!.packs ?? {})).toEqual(['ns-toolcall-15']);
    const { config } = await resolveSuite('tool-calling', { mode: 'quick' });
    expect(config).toMatchObject({ mode: 'quick', repeat: 1 });
    await expect(resolveSuite('tool-calling', { suite: 'reasoning' })).rejects.toThrow(/unknown key "suite"/);
  });

  it('refuses a suite none of the packs publish under', async () => {
    await expect(getConverter('nightshift-quality').convert(sample, context('throughput'))).rejects.toThrow(/no pack of this file publishes under suite throughput/);
  });
});
