// Both perf suites through a REAL llama-swap whose upstream models are `nightshift sim-server --plain`
// processes (configs/llama-swap/sim-upstream.yaml, rendered with free ports): the model is made ready,
// measured, swapped for the other, measured, unloaded — and every envelope validates.
//
// Not skippable: llama-swap is built by deploy/setup/install-llama-swap.sh (CI runs it before the tests);
// when it cannot be built the file fails with the install script's message.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ensureModelReady, runningModels, unloadModel } from '../../../../activities/endpoint/llama-swap.js';
import { validateEnvelope } from '../../../../activities/envelope/validate.js';
import { runStandalone } from '../../../../client/run/standalone.js';
import { ensureTool, projectRoot } from '../../../support/tools.js';
import { problems } from '../../../support/perf-suites.js';
import { freePort, renderSimUpstreamConfig } from '../../llama-swap/render-config.js';

const binary = ensureTool('llama-swap');

const A = 'sim-qwen-9b-4bit';
const B = 'sim-qwen-32b-4bit';
const system = { os: 'test', chip: 'test', memory_gb: 1 };

describe('perf suites through a real llama-swap with simulated upstreams', () => {
  let dir: string;
  let proxy: ChildProcess | undefined;
  let endpoint: string;
  let log = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ns-perf-swap-'));
    const config = join(dir, 'config.yaml');
    await writeFile(config, stringify(await renderSimUpstreamConfig()));
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    proxy = spawn(binary, ['--config', config, '--listen', `127.0.0.1:${port}`], { cwd: projectRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    proxy.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    proxy.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    for (;;) {
      if (proxy.exitCode !== null) throw new Error(`llama-swap exited early:\n${log}`);
      if (await fetch(`${endpoint}/health`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  afterAll(async () => {
    if (proxy?.pid && proxy.exitCode === null) {
      process.kill(-proxy.pid, 'SIGTERM');
      const exited = once(proxy, 'exit');
      const timer = setTimeout(() => proxy!.exitCode === null && process.kill(-proxy!.pid!, 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('ttft on one model, throughput on the other after a swap, then unload', async () => {
    expect((await ensureModelReady(endpoint, A, { timeoutMs: 90_000 })).mode).toBe('llama-swap');
    const ttft = await runStandalone('ttft', {
      endpoint,
      model: A,
      promptTokens: [64, 256],
      repeats: 1,
      gitSha: 'abcdef1',
      out: join(dir, 'ttft.json'),
      progress: false,
      system,
    });
    expect(validateEnvelope(ttft.envelope).issues).toEqual([]);
    expect(problems(ttft.envelope)).toEqual([]);
    expect(ttft.envelope.results.map((r) => r.name)).toEqual(expect.arrayContaining(['ttft_ms_p64_c1', 'ttft_ms_p256_c1']));

    const swapped = await ensureModelReady(endpoint, B, { timeoutMs: 90_000 });
    expect(swapped.alreadyLoaded).toBe(false);
    expect((await runningModels(endpoint)).map((r) => r.model)).toEqual([B]);
    const tp = await runStandalone('throughput', {
      endpoint,
      model: B,
      promptTokens: [32],
      concurrency: [1, 2],
      maxTokens: 4,
      repeats: 1,
      gitSha: 'abcdef1',
      out: join(dir, 'tp.json'),
      progress: false,
      system,
    });
    expect(validateEnvelope(tp.envelope).issues).toEqual([]);
    expect(problems(tp.envelope)).toEqual([]);
    expect(tp.envelope.results.map((r) => r.name)).toEqual(expect.arrayContaining(['decode_tok_per_sec_p32_c1', 'output_tok_per_sec_p32_c2']));

    await unloadModel(endpoint, B);
    expect(await runningModels(endpoint)).toEqual([]);
  });
});
