// The llama-swap client and memory sampling against a REAL llama-swap (deploy/setup/install-llama-swap.sh)
// whose upstream models are real `nightshift sim-server --plain` processes, rendered from
// configs/llama-swap/sim-upstream.yaml. Exercises model swap, ready detection and load time, unload, the
// unknown-model error, /running parsing and the memory target found from /running.
//
// Skipped (with the reason printed) only when llama-swap cannot be installed on this machine: the Go
// module proxy refuses github.com/mostlygeek/llama-swap in some sandboxes; set LLAMA_SWAP_BIN to run it.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  detectEndpointMode,
  ensureModelReady,
  listModels,
  runningModels,
  unloadModel,
  UnknownModelError,
} from '../../../activities/endpoint/llama-swap.js';
import { memorySnapshot, PeakRssSampler } from '../../../activities/memory/index.js';
import { MemoryTargetNotFoundError } from '../../../activities/memory/target.js';
import { ensureTool, projectRoot } from '../../support/tools.js';
import { freePort, renderSimUpstreamConfig } from './render-config.js';

let binary: string | undefined;
try {
  binary = ensureTool('llama-swap');
} catch (error) {
  console.warn(`real llama-swap tests skipped: llama-swap is not installed (${(error as Error).message})`);
}

const A = 'sim-qwen-9b-4bit';
const B = 'sim-qwen-32b-4bit';

describe.skipIf(!binary)('real llama-swap with simulated upstreams', () => {
  let dir: string;
  let proxy: ChildProcess | undefined;
  let endpoint: string;
  let log = '';
  let cmdA = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ns-llama-swap-'));
    const config = join(dir, 'config.yaml');
    await writeFile(config, stringify(await renderSimUpstreamConfig()));
    const port = await freePort();
    endpoint = `http://127.0.0.1:${port}`;
    // Its own process group, so the upstreams it started go down with it at the end.
    proxy = spawn(binary!, ['--config', config, '--listen', `127.0.0.1:${port}`], {
      cwd: projectRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proxy.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    proxy.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    // Ready when its own /health answers (bounded by hookTimeout).
    for (;;) {
      if (proxy.exitCode !== null) throw new Error(`llama-swap exited early:\n${log}`);
      const ok = await fetch(`${endpoint}/health`).then((r) => r.ok, () => false);
      if (ok) break;
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

  it('is detected as llama-swap and lists the configured models', async () => {
    expect(await detectEndpointMode(endpoint)).toBe('llama-swap');
    expect(await listModels(`${endpoint}/v1`)).toEqual([A, B].sort());
    expect(await runningModels(endpoint)).toEqual([]);
  });

  it('loads a model, measures the load, and reports it ready in /running', async () => {
    const ready = await ensureModelReady(endpoint, A, { timeoutMs: 90_000 });
    expect(ready).toMatchObject({ mode: 'llama-swap', alreadyLoaded: false });
    expect(ready.loadMs).toBeGreaterThan(0);
    const running = await runningModels(endpoint);
    expect(running.map((r) => [r.model, r.state])).toEqual([[A, 'ready']]);
    expect(running[0]!.cmd).toContain(`--model ${A}`);
    expect(running[0]!.proxy).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    cmdA = running[0]!.cmd!;

    const again = await ensureModelReady(endpoint, A);
    expect(again).toMatchObject({ alreadyLoaded: true, loadMs: 0 });
  });

  it('finds the model server process from /running and samples its memory', async () => {
    const snapshot = await memorySnapshot('loaded', { llamaSwap: { endpoint, model: A } });
    expect(snapshot.rss_gb).toBeGreaterThan(0.01); // a node process holds well over 10 MiB
    const sampler = new PeakRssSampler({ llamaSwap: { endpoint, model: A } }, { intervalMs: 50 });
    await sampler.start();
    const chat = await fetch(`${endpoint}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: A, messages: [{ role: 'user', content: 'hi' }], max_tokens: 8 }),
    });
    expect(chat.status).toBe(200);
    expect(chat.headers.get('x-nightshift-simulated')).toBe('1');
    const report = await sampler.stop();
    expect(report.peak_rss_mb).toBeGreaterThan(10);
    expect(report.misses).toBe(0);
  });

  it('swaps to the other model: the first is evicted', async () => {
    const ready = await ensureModelReady(endpoint, B, { timeoutMs: 90_000 });
    expect(ready.alreadyLoaded).toBe(false);
    expect((await runningModels(endpoint)).map((r) => r.model)).toEqual([B]);
    // A's process is really gone, not just unlisted.
    expect(cmdA).not.toBe('');
    await expect(memorySnapshot('evicted', { command: cmdA })).rejects.toBeInstanceOf(MemoryTargetNotFoundError);
    await expect(memorySnapshot('evicted', { llamaSwap: { endpoint, model: A } })).rejects.toBeInstanceOf(
      MemoryTargetNotFoundError,
    );
  });

  it('refuses an unknown model with the list of served models', async () => {
    const error = await ensureModelReady(endpoint, 'sim-no-such-model').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownModelError);
    expect((error as UnknownModelError).served.sort()).toEqual([A, B].sort());
    expect((error as Error).message).toContain(A);
  });

  it('unloads, and the upstream process is gone', async () => {
    const cmdB = (await runningModels(endpoint)).find((r) => r.model === B)!.cmd!;
    const before = await memorySnapshot('before-unload', { command: cmdB });
    expect(before.rss_gb).toBeGreaterThan(0);
    const result = await unloadModel(endpoint, B);
    expect(result.mode).toBe('llama-swap');
    expect(['api-model', 'api-all', 'legacy']).toContain(result.method);
    expect(await runningModels(endpoint)).toEqual([]);
    await expect(memorySnapshot('after', { command: cmdB })).rejects.toBeInstanceOf(MemoryTargetNotFoundError);
  });
});
