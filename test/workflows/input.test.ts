// Sweep input validation (pure): defaults, and every problem reported at once.
import { describe, expect, it } from 'vitest';
import { checkSweep } from '../../activities/sweep/check-sweep.js';
import { SWEEP_DEFAULTS, validateSweepInput } from '../../workflows/shared/sweep-input.js';
import { isFleetInput, validateFleetInput } from '../../workflows/shared/fleet-input.js';
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

describe('validateFleetInput', () => {
  const hosts = [
    { name: 'studio', hostQueue: 'q-studio', endpoint: 'http://studio:11434' },
    { name: 'linux', hostQueue: 'q-linux', endpoint: 'http://linux:8080/', models: ['m-linux'] },
  ];

  it('splits a fleet into one plain sweep per host, each tagged with its host', () => {
    const r = validateFleetInput({ hosts, models: ['m-a', 'm-b'], suites: ['ttft'], tags: { rig: 'lab' }, suiteAttempts: 2 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.hosts.map((h) => [h.name, h.hostQueue, h.endpoint, h.resolved.models])).toEqual([
      ['studio', 'q-studio', 'http://studio:11434', ['m-a', 'm-b']],
      ['linux', 'q-linux', 'http://linux:8080', ['m-linux']],
    ]);
    expect(r.hosts.map((h) => h.resolved.tags)).toEqual([{ rig: 'lab', host: 'studio' }, { rig: 'lab', host: 'linux' }]);
    expect(r.hosts.every((h) => h.resolved.suiteAttempts === 2)).toBe(true);
    expect(isFleetInput({ hosts })).toBe(true);
    expect(isFleetInput({ models: ['m'] })).toBe(false);
  });

  it('lists every problem once, under the field the user wrote', () => {
    const r = validateFleetInput({
      hosts: [{ name: 'a b', hostQueue: 'q', endpoint: 'nope', extra: 1 }, { name: 'c', hostQueue: 'q', endpoint: 'http://c:1', models: [] }, { name: 'd', endpoint: 'http://d:1' }],
      endpoint: 'http://x:1',
      suites: ['ttft', 'bogus'],
      tags: { host: 'x' },
    });
    expect(r.ok).toBe(false);
    const fields = r.problems.map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['endpoint', 'tags.host', 'hosts[0].extra', 'hosts[0].name', 'hosts[0].models', 'hosts[0].endpoint', 'hosts[1].hostQueue', 'hosts[1].models', 'hosts[2].hostQueue', 'suites[1]']));
    // The shared problem (an unknown suite) is reported once, not once per host.
    expect(fields.filter((f) => f === 'suites[1]')).toHaveLength(1);
  });

  it('sends pairs to the hosts that have their model, or to the host they name', () => {
    const r = validateFleetInput({ hosts, models: ['m-a'], suites: ['ttft', 'throughput'], pairs: [{ model: 'm-a', suite: 'ttft' }, { model: 'm-linux', suite: 'throughput', host: 'linux' }] });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.hosts.map((h) => [h.name, h.resolved.pairs])).toEqual([
      ['studio', [{ model: 'm-a', suite: 'ttft' }]],
      ['linux', [{ model: 'm-linux', suite: 'throughput' }]],
    ]);
    const bad = validateFleetInput({ hosts, models: ['m-a'], suites: ['ttft'], pairs: [{ model: 'm-z', suite: 'ttft' }, { model: 'm-a', suite: 'ttft', host: 'mac' }] });
    expect(bad.problems).toEqual(expect.arrayContaining([
      { field: 'pairs[0].model', message: '"m-z" is not a model of any host' },
      { field: 'pairs[1].host', message: '"mac" is not one of the hosts (studio, linux)' },
    ]));
  });

  it('the early check reads a fleet like a plain sweep: suite configs once, no poller demand', async () => {
    const problems = await checkSweep({ hosts, models: ['m-a'], suites: ['ttft'], suiteConfig: { ttft: { max_tokens: 'many' } } });
    expect(problems).toEqual([{ field: 'suiteConfig.ttft.max_tokens', message: 'must be integer (got string "many")' }]);
  });
});

describe('quantizations', () => {
  it('takes a quantization per model of the sweep, and names a key or value that does not fit', () => {
    const base = { models: ['m'], suites: ['ttft'], endpoint: 'http://h:1' };
    const ok = validateSweepInput({ ...base, quantizations: { m: 'Q4_K_M' } });
    expect(ok.ok && ok.input.quantizations).toEqual({ m: 'Q4_K_M' });
    expect(validateSweepInput({ ...base, quantizations: { x: 'Q4_K_M', m: '' } }).problems).toEqual([
      { field: 'quantizations.x', message: '"x" is not in "models"' },
      { field: 'quantizations.m', message: 'expected a name of 1-64 characters such as "Q4_K_M" or "mlx-4bit", got ""' },
    ]);
    // In a fleet, each host gets the quantizations of its own models.
    const fleet = validateFleetInput({ hosts: [{ name: 'a', hostQueue: 'qa', endpoint: 'http://a:1', models: ['m1'] }, { name: 'b', hostQueue: 'qb', endpoint: 'http://b:1', models: ['m2'] }], suites: ['ttft'], quantizations: { m2: 'Q8_0' } });
    expect(fleet.ok && fleet.hosts.map((h) => h.resolved.quantizations)).toEqual([{}, { m2: 'Q8_0' }]);
  });
});
