// `nightshift run` end to end: a real server, the real host detection, an envelope on disk that
// validates; bad flags and an unreachable endpoint give their exit codes and write nothing.
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../../client/cli.js';
import { runStandalone } from '../../../../client/run/standalone.js';
import { summaryTable } from '../../../../client/run/summary-table.js';
import { validateEnvelope } from '../../../../activities/envelope/validate.js';
import type { Envelope } from '../../../../workflows/shared/envelope.js';
import { closeFakes, fake } from './fake-openai.js';

afterEach(closeFakes);

async function quiet<T>(fn: () => Promise<T>): Promise<{ value: T; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  // write() is also called with bytes.
  const text = (chunk: string | Uint8Array): string => (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
  process.stdout.write = ((s: string | Uint8Array) => (out.push(text(s)), true));
  process.stderr.write = ((s: string | Uint8Array) => (err.push(text(s)), true));
  try {
    return { value: await fn(), stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}

describe('nightshift run', () => {
  it('writes a valid throughput envelope and prints a summary table', async () => {
    const f = await fake();
    const dir = await mkdtemp(join(tmpdir(), 'ns-run-'));
    const out = join(dir, 'sub', 'tp.json');
    const config = join(dir, 'tp.toml');
    await writeFile(config, 'prompt_tokens = [32]\nconcurrency = [1, 2]\nmax_tokens = 4\nrepeats = 2\n');
    const { value: code, stdout } = await quiet(() =>
      main(['run', 'throughput', '--endpoint', f.url, '--model', 'fake-model', '--config', config, '--concurrency', '2', '--out', out, '--git-sha', 'ABCDEF1', '--no-progress']),
    );
    expect(code).toBe(0);
    const envelope = JSON.parse(await readFile(out, 'utf8')) as Envelope;
    expect(validateEnvelope(envelope).issues).toEqual([]);
    expect(envelope).toMatchObject({ suite: 'throughput', model: 'fake-model', trigger: 'local', git_sha: 'abcdef1', gen_kwargs: { max_gen_toks: 4, temperature: 0 }, errors: [] });
    expect(envelope.system.os).toBeTruthy();
    // --concurrency overrides the file: only c2 cells.
    expect(envelope.results.map((r) => r.name)).toContain('decode_tok_per_sec_p32_c2');
    expect(envelope.results.some((r) => r.name.endsWith('_c1'))).toBe(false);
    expect(stdout).toContain('throughput · fake-model');
    expect(stdout).toMatch(/│ 32\s+│ 2\s+│ 4\/4\s+│/);
    expect(stdout).toContain(`wrote ${out}`);
  });

  it('builds a ttft summary without decode columns', async () => {
    const f = await fake();
    const dir = await mkdtemp(join(tmpdir(), 'ns-run-'));
    const { envelope } = await runStandalone('ttft', {
      endpoint: f.url,
      model: 'fake-model',
      promptTokens: [40],
      repeats: 1,
      gitSha: 'abcdef1',
      out: join(dir, 'ttft.json'),
      progress: false,
      system: { os: 'test', chip: 'test', memory_gb: 1 },
    });
    const table = summaryTable(envelope);
    expect(table).toContain('TTFT p50 ms');
    expect(table).not.toContain('decode tok/s');
  });

  it('exits 1 on an unreachable endpoint and 2 on bad flags or config, writing nothing', async () => {
    const f = await fake();
    await f.close();
    const dir = await mkdtemp(join(tmpdir(), 'ns-run-'));
    const unreachable = await quiet(() => main(['run', 'ttft', '--endpoint', f.url, '--model', 'm', '--out', join(dir, 'x.json'), '--git-sha', 'abcdef1', '--no-progress']));
    expect(unreachable.value).toBe(1);
    expect(unreachable.stderr).toMatch(/model_endpoint_unreachable: cannot connect to/);
    const badFlag = await quiet(() => main(['run', 'ttft', '--endpoint', f.url, '--model', 'm', '--repeats', '0']));
    expect(badFlag.value).toBe(2);
    expect(badFlag.stderr).toContain('--repeats expects a positive integer, got "0"');
    const badUrl = await quiet(() => main(['run', 'ttft', '--endpoint', 'localhost:11434', '--model', 'm', '--git-sha', 'abcdef1', '--no-progress']));
    expect(badUrl.value).toBe(2);
    expect(badUrl.stderr).toContain('endpoint "localhost:11434" must be http:// or https://');
    const badSuite = await quiet(() => main(['run', 'lm-eval', '--endpoint', f.url, '--model', 'm']));
    expect(badSuite.value).toBe(2);
    const config = join(dir, 'bad.toml');
    await writeFile(config, 'concurency = [1]\n');
    const badConfig = await quiet(() => main(['run', 'throughput', '--endpoint', f.url, '--model', 'm', '--config', config]));
    expect(badConfig.value).toBe(2);
    expect(badConfig.stderr).toContain(`${config}:1: concurency: unknown key "concurency"`);
    expect(await readdir(dir)).toEqual(['bad.toml']);
  });
});
