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
import { closeFakes, fake, fakePromptTokens } from './fake-openai.js';
import { problems, quiet } from '../../../support/perf-suites.js';

afterEach(async () => {
  await closeFakes();
  // `nightshift run` sets the exit code it returns (5 for an incomplete run); never leave it to vitest.
  process.exitCode = undefined;
});

describe('nightshift run', () => {
  it('writes a valid throughput envelope and prints a summary table', async () => {
    const f = await fake();
    const dir = await mkdtemp(join(tmpdir(), 'ns-run-'));
    const out = join(dir, 'sub', 'tp.json');
    const config = join(dir, 'tp.toml');
    await writeFile(config, 'prompt_tokens = [32]\nconcurrency = [1, 2]\nmax_tokens = 4\nrepeats = 2\n');
    const { value: code, stdout, stderr } = await quiet(() =>
      main(['run', 'throughput', '--endpoint', f.url, '--model', 'fake-model', '--config', config, '--concurrency', '2', '--out', out, '--git-sha', 'ABCDEF1', '--no-progress']),
    );
    expect(code).toBe(0);
    const envelope = JSON.parse(await readFile(out, 'utf8')) as Envelope;
    expect(validateEnvelope(envelope).issues).toEqual([]);
    expect(envelope).toMatchObject({ suite: 'throughput', model: 'fake-model', trigger: 'local', git_sha: 'abcdef1', gen_kwargs: { max_gen_toks: 4, temperature: 0 } });
    expect(problems(envelope)).toEqual([]);
    expect(envelope.system.os).toBeTruthy();
    // --concurrency overrides the file: only c2 cells.
    expect(envelope.results.map((r) => r.name)).toContain('decode_tok_per_sec_p32_c2');
    expect(envelope.results.some((r) => r.name.endsWith('_c1'))).toBe(false);
    expect(stdout).toContain('throughput · fake-model');
    expect(stdout).toMatch(/│ 32\s+│ 2\s+│ 4\/4\s+│/);
    expect(stdout).toContain(`wrote ${out}`);
    // The estimate comes first, from one probe request, on stderr.
    expect(stderr).toMatch(/^nightshift run: estimated duration: at least \d+ (s|min \d+ s) for 1 cells \(6 requests\), at the probe's single-stream speed: decode [\d.]+ tok\/s, prefill \d+ tok\/s/m);
    expect(f.requests.slice(0, 2).map((r) => r.max_tokens)).toEqual([32, 32]);
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

  it('refuses a config past its bounds before sending anything', async () => {
    const f = await fake();
    const huge = await quiet(() => main(['run', 'throughput', '--endpoint', f.url, '--model', 'm', '--concurrency', '100000', '--git-sha', 'abcdef1', '--no-progress']));
    expect(huge.value).toBe(2);
    expect(huge.stderr).toContain('command-line flags: concurrency.0: must be <= 1024 (got 100000)');
    expect(f.requests).toEqual([]);
  });

  it('exits 5 and writes the envelope when some cells produced nothing; 1 or 2 and nothing written when every request failed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ns-run-'));
    // Long prompts fail on the server; the probe and calibration (max_tokens 32 and 1) do not.
    const partial = await fake((_n, res, body) => {
      if (body.max_tokens !== 4 || fakePromptTokens(body) < 100) return false;
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'KV cache full' } }));
      return true;
    });
    const out = join(dir, 'partial.json');
    const args = (url: string, file: string): string[] => ['run', 'ttft', '--endpoint', url, '--model', 'm', '--prompt-tokens', '32,200', '--max-tokens', '4', '--repeats', '2', '--git-sha', 'abcdef1', '--out', file, '--no-progress', '--no-memory'];
    const incomplete = await quiet(() => main(args(partial.url, out)));
    expect(incomplete.value).toBe(5);
    expect(incomplete.stderr).toContain('nightshift run: incomplete: 1 of 2 cells produced no measurement: p200_c1: all 2 requests failed (http_server_error)');
    const envelope = JSON.parse(await readFile(out, 'utf8')) as Envelope;
    expect(validateEnvelope(envelope).issues).toEqual([]);
    expect(envelope.results.filter((r) => r.name.includes('p200')).map((r) => r.name)).toEqual(['failed_requests_p200_c1']);
    expect(envelope.results.some((r) => r.name === 'ttft_ms_p32_c1')).toBe(true);
    expect(incomplete.stdout).toContain('! p200_c1: every request failed, so the cell reports no figures');

    const down = await fake((_n, res, body) => {
      if (body.max_tokens !== 4) return false;
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'model is loading' } }));
      return true;
    });
    const failed = await quiet(() => main(args(down.url, join(dir, 'failed.json'))));
    expect(failed.value).toBe(1);
    expect(failed.stderr).toMatch(/nightshift: http_server_error: every one of the 4 measured requests of the ttft suite failed; the first with: .*model is loading/);

    const invalid = await fake((_n, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'response_format type must be one of "text" or "json_object"' } }));
      return true;
    });
    const rejected = await quiet(() => main(args(invalid.url, join(dir, 'rejected.json'))));
    expect(rejected.value).toBe(2);
    expect(rejected.stderr).toContain('nightshift run: estimated duration: unknown (the speed probe failed: http_client_error: HTTP 400');
    expect(rejected.stderr).toContain('nightshift: the model server rejected the prompt-calibration request as invalid (HTTP 400): response_format type must be one of "text" or "json_object"');
    expect(await readdir(dir)).toEqual(['partial.json']);
  });
});
