// The llama-swap client and memory sampling against the REAL llama-swap v250 (built from the vendored
// source by deploy/setup/install-llama-swap.sh) whose upstream models are real `nightshift sim-server
// --plain` processes, rendered from configs/llama-swap/sim-upstream.yaml. Exercises model swap, ready
// detection and load time, aliases, unload (and that a typo unloads nothing), the unknown-model error,
// /running parsing, the memory target found from /running, and llama-swap's `apiKeys`.
//
// Not skippable: when llama-swap cannot be installed the file fails with the install script's message.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiKeyError,
  detectEndpointMode,
  ensureModelReady,
  LLAMA_SWAP_API_KEY_ENV,
  listModels,
  modelCatalog,
  runningModels,
  unloadModel,
  UnknownModelError,
} from '../../../activities/endpoint/llama-swap.js';
import { memorySnapshot, PeakRssSampler } from '../../../activities/memory/index.js';
import { MemoryTargetNotFoundError } from '../../../activities/memory/target.js';
import { renderSimUpstreamConfig } from './render-config.js';
import { startLlamaSwap, type RunningLlamaSwap } from './start-llama-swap.js';

const A = 'sim-qwen-9b-4bit';
const B = 'sim-qwen-32b-4bit';
/** An alias of A in the rendered config (llama-swap's `aliases`). */
const ALIAS = 'sim-fast';

describe('real llama-swap with simulated upstreams', () => {
  let swap: RunningLlamaSwap | undefined;
  let endpoint: string;
  let cmdA = '';

  beforeAll(async () => {
    const config = await renderSimUpstreamConfig();
    config.models[A]!.aliases = [ALIAS];
    swap = await startLlamaSwap(config);
    endpoint = swap.url;
  });

  afterAll(async () => {
    await swap?.stop();
  });

  it('is detected as llama-swap and lists the configured models, with the alias resolved', async () => {
    expect(await detectEndpointMode(endpoint)).toBe('llama-swap');
    expect(await listModels(`${endpoint}/v1`)).toEqual([A, B].sort());
    expect(await runningModels(endpoint)).toEqual([]);
    // v250 reports aliases only inside the model's meta.llamaswap.aliases.
    expect([...(await modelCatalog(endpoint)).aliases]).toEqual([[ALIAS, A]]);
  });

  it('loads a model, measures the load, and reports it ready in /running', async () => {
    const ready = await ensureModelReady(endpoint, A, { timeoutMs: 90_000 });
    expect(ready).toMatchObject({ mode: 'llama-swap', alreadyLoaded: false, modelId: A });
    expect(ready.loadMs).toBeGreaterThan(0);
    const running = await runningModels(endpoint);
    expect(running.map((r) => [r.model, r.state])).toEqual([[A, 'ready']]);
    expect(running[0]!.cmd).toContain(`--model ${A}`);
    expect(running[0]!.proxy).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    cmdA = running[0]!.cmd!;

    const again = await ensureModelReady(endpoint, A);
    expect(again).toMatchObject({ alreadyLoaded: true, loadMs: 0 });
  });

  it('reports an alias of the ready model as already loaded, under the real id', async () => {
    const ready = await ensureModelReady(endpoint, ALIAS);
    expect(ready).toMatchObject({ mode: 'llama-swap', alreadyLoaded: true, loadMs: 0, modelId: A });
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

  it('refuses to unload a model it does not serve, and unloads nothing', async () => {
    const error = await unloadModel(endpoint, 'sim-qwen-9b-4bt').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownModelError);
    expect((error as UnknownModelError).served).toEqual([A, B].sort());
    expect((error as Error).message).toContain(`${ALIAS} → ${A}`);
    // The loaded model (and its process) is untouched.
    expect((await runningModels(endpoint)).map((r) => [r.model, r.state])).toEqual([[A, 'ready']]);
    expect((await memorySnapshot('still-loaded', { command: cmdA })).rss_gb).toBeGreaterThan(0);
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
    expect((await runningModels(endpoint)).map((r) => r.model)).toEqual([B]);
  });

  it('loads a cold model through its alias and waits for the real model to be ready', async () => {
    const ready = await ensureModelReady(endpoint, ALIAS, { timeoutMs: 90_000 });
    expect(ready).toMatchObject({ mode: 'llama-swap', alreadyLoaded: false, modelId: A });
    expect(ready.loadMs).toBeGreaterThan(0);
    expect((await runningModels(endpoint)).map((r) => [r.model, r.state])).toEqual([[A, 'ready']]);
  });

  it('unloads through the alias, and the upstream process is gone', async () => {
    const cmd = (await runningModels(endpoint)).find((r) => r.model === A)!.cmd!;
    const before = await memorySnapshot('before-unload', { command: cmd });
    expect(before.rss_gb).toBeGreaterThan(0);
    expect(await unloadModel(endpoint, ALIAS)).toEqual({ mode: 'llama-swap', method: 'api-model' });
    // v250's unload returns once the process has stopped: nothing to wait for.
    expect(await runningModels(endpoint)).toEqual([]);
    await expect(memorySnapshot('after', { command: cmd })).rejects.toBeInstanceOf(MemoryTargetNotFoundError);
  });
});

describe('real llama-swap with apiKeys', () => {
  const KEY = 'sk-nightshift-test-key';
  let swap: RunningLlamaSwap | undefined;
  let endpoint: string;

  beforeAll(async () => {
    Reflect.deleteProperty(process.env, LLAMA_SWAP_API_KEY_ENV); // the tests set it themselves
    const rendered = await renderSimUpstreamConfig();
    // One model (A), no group, and llama-swap's apiKeys.
    const config = { ...rendered, models: { [A]: rendered.models[A]! }, groups: undefined, apiKeys: [KEY] };
    swap = await startLlamaSwap(config, 'ns-llama-swap-keys-');
    endpoint = swap.url;
  });

  afterAll(async () => {
    await swap?.stop();
  });

  afterEach(() => {
    Reflect.deleteProperty(process.env, LLAMA_SWAP_API_KEY_ENV);
  });

  it('without a key: an ApiKeyError naming the variable to set, not "a plain server"', async () => {
    expect((await fetch(`${endpoint}/health`)).status).toBe(200); // /health needs no key
    const error = await detectEndpointMode(endpoint).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiKeyError);
    expect(error).toMatchObject({ llamaSwap: true, status: 401, exitCode: 2, keySource: undefined });
    expect((error as Error).message).toContain(`llama-swap at ${endpoint} requires an API key`);
    expect((error as Error).message).toContain(LLAMA_SWAP_API_KEY_ENV);
    await expect(ensureModelReady(endpoint, A)).rejects.toBeInstanceOf(ApiKeyError);
    await expect(unloadModel(endpoint, A)).rejects.toBeInstanceOf(ApiKeyError);
  });

  it('with a wrong key: says which key was refused, without showing it', async () => {
    const error = await detectEndpointMode(endpoint, { apiKey: 'sk-wrong-secret' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiKeyError);
    expect((error as Error).message).toContain('refused the API key from the apiKey option');
    expect((error as Error).message).not.toContain('sk-wrong-secret');
  });

  it('with the key as an option: loads, lists and unloads', async () => {
    const options = { apiKey: KEY };
    expect(await detectEndpointMode(endpoint, options)).toBe('llama-swap');
    const ready = await ensureModelReady(endpoint, A, { ...options, timeoutMs: 90_000 });
    expect(ready).toMatchObject({ mode: 'llama-swap', alreadyLoaded: false, modelId: A, served: [A] });
    expect((await runningModels(endpoint, options)).map((r) => [r.model, r.state])).toEqual([[A, 'ready']]);
    // The same Bearer key opens the inference routes (what an OpenAI client sends).
    const chat = await fetch(`${endpoint}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ model: A, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }),
    });
    expect(chat.status).toBe(200);
    expect(await unloadModel(endpoint, A, options)).toEqual({ mode: 'llama-swap', method: 'api-model' });
  });

  it(`with the key in $${LLAMA_SWAP_API_KEY_ENV}: works without passing it`, async () => {
    process.env[LLAMA_SWAP_API_KEY_ENV] = KEY;
    expect(await detectEndpointMode(endpoint)).toBe('llama-swap');
    expect(await runningModels(endpoint)).toEqual([]);
    process.env[LLAMA_SWAP_API_KEY_ENV] = 'sk-other';
    const error = await detectEndpointMode(endpoint).catch((e: unknown) => e);
    expect((error as Error).message).toContain(`refused the API key from $${LLAMA_SWAP_API_KEY_ENV}`);
  });
});
