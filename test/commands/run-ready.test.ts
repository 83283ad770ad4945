// `nightshift run` makes the model ready before it measures, as a sweep does: through llama-swap the
// load is triggered and timed first and published as a `model_load` result (cold, then warm), never
// left to the speed probe or the first measured request; against a plain server an id it does not serve
// is refused (exit 2, listing what it serves) before any request is sent. The output path is checked
// before any work, naming the flag; --format json prints the envelope and --json still works, with a
// deprecation line.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../client/cli.js';
import { runStandalone } from '../../client/run/standalone.js';
import type { SimServer } from '../../client/sim-server/server.js';
import { validateEnvelope } from '../../activities/envelope/validate.js';
import type { Envelope } from '../../workflows/shared/envelope.js';
import { model, sim } from '../sim-server/helpers.js';
import { quiet } from '../support/perf-suites.js';

const FAST = { ttft_ms: 1, decode_tokens_per_second: 5000, prefill_tokens_per_second: 100000, jitter: 0 };
const system = { os: 'test', chip: 'test', memory_gb: 1 };
let dir: string;
let swap: SimServer;
let plain: SimServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-run-ready-'));
  swap = await sim({ seed: 1, models: [model('sim-cold', { ...FAST, load_ms: 400 })] });
  plain = await sim({ seed: 1, models: [model('sim-plain', FAST)] }, { plain: true });
});

afterAll(async () => {
  await swap.close();
  await plain.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  process.exitCode = undefined;
});

const chats = (s: SimServer): number => Object.entries(s.stats().routes).filter(([route]) => route.includes('chat/completions')).reduce((n, [, c]) => n + c, 0);

describe('nightshift run: the model is ready before measuring', () => {
  it('loads through llama-swap first and records the load: cold, then warm', async () => {
    const notes: string[] = [];
    const base = { endpoint: swap.url, model: 'sim-cold', promptTokens: [32], repeats: 1, gitSha: 'abcdef1', progress: false, memory: false, system, onNote: (l: string) => notes.push(l) };
    const first = await runStandalone('ttft', { ...base, out: join(dir, 'cold.json') });
    expect(validateEnvelope(first.envelope).issues).toEqual([]);
    const load = first.envelope.results.find((r) => r.name === 'model_load');
    expect(load).toMatchObject({ metric: 'load_time', unit: 'seconds', tags: { load: 'cold', endpoint_mode: 'llama-swap' } });
    expect(load!.value).toBeGreaterThanOrEqual(0.35);
    expect(notes.some((l) => l.startsWith('loaded "sim-cold" through llama-swap in'))).toBe(true);
    expect(swap.stats().models['sim-cold']!.loads).toBe(1);
    // The load was not measured: no TTFT carries the 400 ms.
    const ttft = first.envelope.results.find((r) => r.name === 'ttft_ms_p32_c1')!;
    expect(ttft.value).toBeLessThan(300);

    const second = await runStandalone('ttft', { ...base, out: join(dir, 'warm.json') });
    expect(second.envelope.results.find((r) => r.name === 'model_load')).toMatchObject({ value: 0, tags: { load: 'warm' } });
    expect(swap.stats().models['sim-cold']!.loads).toBe(1);
  });

  it('refuses an id the plain server does not serve, listing what it serves, before any request', async () => {
    const out = join(dir, 'wrong.json');
    plain.resetStats();
    const r = await quiet(() => main(['run', 'ttft', '--endpoint', plain.url, '--model', 'gemma-3-270m', '--prompt-tokens', '32', '--repeats', '1', '--git-sha', 'abcdef1', '--out', out, '--no-progress', '--no-memory']));
    expect(r.value).toBe(2);
    expect(r.stderr).toContain(`model "gemma-3-270m" is not served by ${plain.url}; it serves: sim-plain`);
    expect(chats(plain)).toBe(0);
    expect(await readdir(dir)).not.toContain('wrong.json');
  });

  it('runs a served id on a plain server with a warm model_load and no warnings', async () => {
    const { envelope } = await runStandalone('ttft', { endpoint: plain.url, model: 'sim-plain', promptTokens: [32], repeats: 1, gitSha: 'abcdef1', progress: false, memory: false, system, out: join(dir, 'plain.json') });
    expect(envelope.results.find((r) => r.name === 'model_load')).toMatchObject({ value: 0, tags: { load: 'warm', endpoint_mode: 'plain' } });
    expect(envelope.errors ?? []).toEqual([]);
  });
});

describe('nightshift run: what the server says about the model', () => {
  it('records the quantization from the model name (or --quantization) and the server settings from /props', async () => {
    const q = await sim({ seed: 1, models: [model('sim-gemma-q4_k_m', FAST)] }, { plain: true });
    try {
      const base = { endpoint: q.url, model: 'sim-gemma-q4_k_m', promptTokens: [32], repeats: 1, gitSha: 'abcdef1', progress: false, memory: false, system };
      const named = await runStandalone('ttft', { ...base, out: join(dir, 'q1.json') });
      expect(named.envelope.quantization).toBe('Q4_K_M');
      const measured = named.envelope.results.find((r) => r.name === 'ttft_ms_p32_c1')!;
      expect(measured.tags?.quantization_source).toBe('model-name');
      expect(measured.tags?.server_slots).toMatch(/^\d+$/);
      expect(measured.tags?.server_ctx_per_slot).toMatch(/^\d+$/);
      const given = await runStandalone('ttft', { ...base, quantization: 'Q8_0', out: join(dir, 'q2.json') });
      expect(given.envelope.quantization).toBe('Q8_0');
      expect(given.envelope.results[0]!.tags?.quantization_source).toBe('explicit');
    } finally {
      await q.close();
    }
  });
});

describe('nightshift run: --out is checked before any work', () => {
  const args = (out: string): string[] => ['run', 'ttft', '--endpoint', plain.url, '--model', 'sim-plain', '--prompt-tokens', '32', '--repeats', '1', '--git-sha', 'abcdef1', '--out', out, '--no-progress', '--no-memory'];

  it.each([
    ['/etc/hostname/x.json', '--out: cannot write to /etc/hostname/x.json: /etc/hostname is a file, not a directory'],
    ['DIR', 'it is a directory'],
  ])('refuses --out %s with exit 2, naming the flag, sending nothing', async (out, message) => {
    plain.resetStats();
    const r = await quiet(() => main(args(out === 'DIR' ? dir : out)));
    expect(r.value).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain('--out');
    expect(plain.stats().requests).toBe(0);
  });

  it.skipIf(process.platform !== 'linux')('refuses a path on procfs at once instead of hanging', async () => {
    plain.resetStats();
    const r = await quiet(() => main(args('/proc/x.json')));
    expect(r.value).toBe(2);
    expect(r.stderr).toContain('--out: cannot write to /proc/x.json: /proc is on procfs');
    expect(plain.stats().requests).toBe(0);
  });

  it('checks --journal the same way', async () => {
    plain.resetStats();
    const r = await quiet(() => main([...args(join(dir, 'j.json')), '--journal', '/etc/hostname/j.jsonl']));
    expect(r.value).toBe(2);
    expect(r.stderr).toContain('--journal: cannot write to /etc/hostname/j.jsonl');
    expect(plain.stats().requests).toBe(0);
  });
});

describe('nightshift run: --format', () => {
  const args = (out: string, ...extra: string[]): string[] => ['run', 'ttft', '--endpoint', plain.url, '--model', 'sim-plain', '--prompt-tokens', '32', '--repeats', '1', '--git-sha', 'abcdef1', '--out', out, '--no-progress', '--no-memory', ...extra];

  it('--format json prints the envelope; --json still does, with a deprecation line', async () => {
    const json = await quiet(() => main(args(join(dir, 'f1.json'), '--format', 'json')));
    expect(json.value).toBe(0);
    const printed = JSON.parse(json.stdout) as Envelope;
    expect(printed).toEqual(JSON.parse(await readFile(join(dir, 'f1.json'), 'utf8')));
    expect(json.stderr).not.toContain('deprecated');

    const old = await quiet(() => main(args(join(dir, 'f2.json'), '--json')));
    expect(old.value).toBe(0);
    expect((JSON.parse(old.stdout) as Envelope).suite).toBe('ttft');
    expect(old.stderr).toContain('nightshift run: --json is deprecated; use --format json');

    const table = await quiet(() => main(args(join(dir, 'f3.json'))));
    expect(table.stdout).toContain('ttft · sim-plain');
    const bad = await quiet(() => main(args(join(dir, 'f4.json'), '--format', 'csv')));
    expect(bad.value).toBe(2);
  });
});
