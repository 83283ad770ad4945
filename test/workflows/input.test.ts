// Sweep input validation (pure): defaults, and every problem reported at once.
import { describe, expect, it } from 'vitest';
import { checkSweep } from '../../activities/sweep/check-sweep.js';
import { SWEEP_DEFAULTS, validateSweepInput } from '../../workflows/shared/sweep-input.js';
import { modelSlug } from '../../workflows/shared/slug.js';
import { fitKeywordList } from '../../workflows/definitions.js';

describe('validateSweepInput', () => {
  it('fills every default for the three required fields', () => {
    const r = validateSweepInput({ models: ['a/b'], suites: ['ttft'], endpoint: 'http://127.0.0.1:11434/' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.input).toMatchObject({ endpoint: 'http://127.0.0.1:11434', warmUp: true, unload: true, suiteAttempts: SWEEP_DEFAULTS.suiteAttempts, heartbeatTimeoutSeconds: 120, hostPickupSeconds: 900, outageToleranceSeconds: 600, trigger: 'local', prNumber: null, tags: {}, suiteConfig: {} });
  });

  it('lists every problem, not just the first', () => {
    const r = validateSweepInput({ models: ['m', 'm', 3], suites: [], endpoint: 'localhost:11434', suiteAttempts: 0, trigger: 'nightly', tags: { a: 1 }, suiteConfig: { ttft: {} }, pairs: [{ model: 'x', suite: 'ttft' }], bogus: true });
    expect(r.ok).toBe(false);
    const fields = r.problems.map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['bogus', 'models[1]', 'models[2]', 'suites', 'endpoint', 'suiteAttempts', 'trigger', 'tags.a', 'suiteConfig.ttft', 'pairs[0].model', 'pairs[0].suite']));
  });

  it('the early check accepts a tool the suite can run with and lists an unknown one among the problems', async () => {
    const good = await checkSweep({ models: ['m'], suites: ['throughput', 'tool-calling', 'reasoning'], endpoint: 'http://h:1',
      suiteConfig: { throughput: { tool: 'vllm-bench' }, 'tool-calling': { tool: 'benchlocal' }, reasoning: { tool: 'lm-eval' } } });
    expect(good).toEqual([]);
    const bad = await checkSweep({ models: ['m'], suites: ['throughput', 'ttft', 'reasoning'], endpoint: 'http://h:1', bogus: 1,
      suiteConfig: { throughput: { tool: 'benchlocal' }, ttft: { tool: 'vllm-bench' }, reasoning: { tool: 7 } } });
    expect(bad.map((p) => p.field)).toEqual(['bogus', 'suiteConfig.throughput.tool', 'suiteConfig.ttft.tool', 'suiteConfig.reasoning.tool']);
    expect(bad[1]?.message).toBe('unknown tool "benchlocal" for suite "throughput"; one of: nightshift, vllm-bench (default nightshift)');
    expect(bad[2]?.message).toContain('one of: nightshift (default nightshift)');
  });

  it('the early check reads every suite config with the overrides merged and lists each bad key', async () => {
    const problems = await checkSweep({ models: ['m'], suites: ['throughput', 'ttft'], endpoint: 'http://h:1',
      suiteConfig: { throughput: { concurrency: [0], repeats: 'x' }, ttft: { prompt_tokens: 'many' } } });
    expect(problems).toEqual([
      { field: 'suiteConfig.throughput.concurrency.0', message: 'must be >= 1 (got 0)' },
      { field: 'suiteConfig.throughput.repeats', message: 'must be integer (got string "x")' },
      { field: 'suiteConfig.ttft.prompt_tokens', message: 'must be array (got string "many")' },
    ]);
  });

  it('bounds the host pickup and outage waits, naming the field and the range', () => {
    const r = validateSweepInput({ models: ['m'], suites: ['ttft'], endpoint: 'http://h:1', hostPickupSeconds: 0, outageToleranceSeconds: -1 });
    expect(r.problems).toEqual([
      { field: 'hostPickupSeconds', message: 'expected an integer from 1 to 86400, got number 0' },
      { field: 'outageToleranceSeconds', message: 'expected an integer from 0 to 86400, got number -1' },
    ]);
    const off = validateSweepInput({ models: ['m'], suites: ['ttft'], endpoint: 'http://h:1', outageToleranceSeconds: 0 });
    expect(off.ok && off.input.outageToleranceSeconds).toBe(0);
  });

  it.runIf(process.platform === 'linux')('on the publishing worker, the early check refuses a dataset directory that cannot be written', async () => {
    const base = { models: ['m'], suites: ['ttft'], endpoint: 'http://h:1' };
    expect(await checkSweep({ ...base, dataset: '/proc/nightshift' }, { publisherDataset: '/tmp' })).toEqual([
      { field: 'dataset', message: 'cannot write to /proc/nightshift: /proc is on procfs, a kernel filesystem that cannot hold results' },
    ]);
    expect(await checkSweep(base, { publisherDataset: '/etc/hostname/ds' })).toEqual([
      { field: 'dataset', message: 'cannot write to /etc/hostname/ds: /etc/hostname is a file, not a directory' },
    ]);
    // The client side (no publisherDataset) cannot judge the worker's disk and does not try.
    expect(await checkSweep({ ...base, dataset: '/proc/nightshift' })).toEqual([]);
  });

  it('rejects a non-object input with an example of the expected shape', () => {
    const r = validateSweepInput('models=a');
    expect(r.ok).toBe(false);
    expect(r.problems[0]?.message).toContain('"models"');
  });
});

describe('child ids and search attribute limits', () => {
  it('keeps lossless model ids readable and disambiguates lossy ones', () => {
    expect(modelSlug('mlx-community/Qwen3.5-9B-MLX-4bit')).toBe('mlx-community--Qwen3.5-9B-MLX-4bit');
    expect(modelSlug('my model')).not.toBe(modelSlug('my:model'));
    expect(modelSlug('my model')).toMatch(/^my-model-[0-9a-f]{8}$/);
  });

  it('fits a long model list into the 2 KiB search attribute value', () => {
    const models = Array.from({ length: 200 }, (_, i) => `org/model-number-${i}`);
    const kept = fitKeywordList(models);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(models.length);
    expect(JSON.stringify(kept).length).toBeLessThan(2048);
  });
});
