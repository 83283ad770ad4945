// The llama-swap client against Nightshift's simulated endpoint (a real HTTP server in this process):
// in its llama-swap mode (swapping, /running, /upstream, unload routes) and as a plain one-model server.
// Route counts from the simulator's own stats show which requests the client really made.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  detectEndpointMode,
  ensureModelReady,
  judgePlainModel,
  listModels,
  runningModels,
  unloadModel,
  UnknownModelError,
} from '../../../activities/endpoint/llama-swap.js';
import { startSimServer, type SimServer } from '../../../client/sim-server/server.js';

const A = 'sim-qwen-9b-4bit';
const B = 'sim-qwen-32b-4bit';

// Short simulated loads keep the test quick; the shapes and swap rules are the simulator's defaults.
const config = {
  seed: 7,
  max_loaded_models: 1,
  models: [
    { id: A, load_ms: 150, prefill_tokens_per_second: 900, decode_tokens_per_second: 400, ttft_ms: 5 },
    { id: B, load_ms: 250, prefill_tokens_per_second: 300, decode_tokens_per_second: 200, ttft_ms: 5 },
  ],
};

describe('against the simulated endpoint in llama-swap mode', () => {
  let sim: SimServer;
  beforeAll(async () => {
    sim = await startSimServer({ config, port: 0 });
    return () => sim.close();
  });

  it('detects llama-swap and lists its models', async () => {
    expect(await detectEndpointMode(sim.url)).toBe('llama-swap');
    // Sorted by id, as llama-swap v250 lists them.
    expect(await listModels(sim.url)).toEqual([A, B].sort());
    expect(await runningModels(sim.url)).toEqual([]);
  });

  it('loads through /upstream/<model>/health, waits for "ready", and measures the load', async () => {
    const ready = await ensureModelReady(sim.url, A);
    expect(ready).toMatchObject({ mode: 'llama-swap', alreadyLoaded: false, served: [A, B].sort(), warnings: [] });
    expect(ready.loadMs).toBeGreaterThan(0);
    expect((await runningModels(sim.url)).map((r) => [r.model, r.state])).toEqual([[A, 'ready']]);
    expect(sim.stats().models[A]!.loads).toBe(1);
    expect(sim.stats().routes['/upstream/{model}/health']).toBe(1);

    const again = await ensureModelReady(sim.url, A);
    expect(again).toMatchObject({ alreadyLoaded: true, loadMs: 0 });
    expect(sim.stats().routes['/upstream/{model}/health']).toBe(1); // no second trigger
  });

  it('swaps: loading the other model evicts the first', async () => {
    const ready = await ensureModelReady(sim.url, B);
    expect(ready.alreadyLoaded).toBe(false);
    expect((await runningModels(sim.url)).map((r) => r.model)).toEqual([B]);
    expect(sim.stats().models[A]!.unloads).toBe(1);
  });

  it('refuses an unknown model, listing what is served', async () => {
    const error = await ensureModelReady(sim.url, 'sim-nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownModelError);
    expect((error as UnknownModelError).served).toEqual([A, B].sort());
    expect((error as Error).message).toBe(`model "sim-nope" is not served by ${sim.url}; it serves: ${[A, B].sort().join(', ')}`);
    expect((error as UnknownModelError).exitCode).toBe(2);
  });

  it('unloads one model through the per-model API, then all through the unload-all API', async () => {
    expect(await unloadModel(sim.url, B)).toEqual({ mode: 'llama-swap', method: 'api-model' });
    expect(await runningModels(sim.url)).toEqual([]);
    await ensureModelReady(sim.url, A);
    expect(await unloadModel(`${sim.url}/v1`)).toEqual({ mode: 'llama-swap', method: 'api-all' });
    expect(await runningModels(sim.url)).toEqual([]);
    expect(sim.stats().routes['/api/models/unload/{model}']).toBe(1);
    expect(sim.stats().routes['/api/models/unload']).toBe(1);
  });
});

describe('against the simulated endpoint as a plain server', () => {
  let sim: SimServer;
  beforeAll(async () => {
    sim = await startSimServer({ config, port: 0, plain: true, model: A });
    return () => sim.close();
  });

  it('detects a plain server: the model is whatever is served', async () => {
    expect(await detectEndpointMode(sim.url)).toBe('plain');
    expect(await ensureModelReady(sim.url, A)).toEqual({
      mode: 'plain',
      loadMs: 0,
      alreadyLoaded: true,
      modelId: A,
      served: [A],
      warnings: [],
    });
  });

  it('refuses an id the one served model does not have: its numbers would be published under another name', async () => {
    await expect(ensureModelReady(sim.url, 'mlx-community/Qwen3-8B-4bit')).rejects.toThrow(
      `model "mlx-community/Qwen3-8B-4bit" is not served by ${sim.url}; it serves: ${A}; a plain server answers any model id`,
    );
  });

  it('cannot unload and has no running list, and says so', async () => {
    expect(await unloadModel(sim.url, A)).toEqual({ mode: 'plain', method: 'none' });
    await expect(runningModels(sim.url)).rejects.toThrow(/is not llama-swap/);
    expect(sim.stats().routes['/api/models/unload']).toBeUndefined();
  });
});

describe('plain-server rule', () => {
  it('refuses a model missing among several served models (e.g. Ollama)', () => {
    expect(() => judgePlainModel('http://h', 'llama3:8b', ['qwen2.5:7b', 'gemma3:4b'], 200)).toThrow(
      'model "llama3:8b" is not served by http://h; it serves: qwen2.5:7b, gemma3:4b',
    );
  });

  it('accepts the file name of a single served path (llama-server without --alias), with a warning', () => {
    const path = '/models/gemma-3-270m-q4_k_m.gguf';
    for (const id of ['gemma-3-270m-q4_k_m', 'gemma-3-270m-q4_k_m.gguf']) {
      expect(judgePlainModel('http://h', id, [path], 200).warnings).toEqual([`plain server at http://h serves "${path}"; measured as "${id}", its file name`]);
    }
    expect(() => judgePlainModel('http://h', 'gemma-3-270m', [path], 200)).toThrow(/is not served by http:\/\/h; it serves: \/models\/gemma-3-270m-q4_k_m\.gguf; .*llama-server --alias/);
  });

  it('accepts a listed model and warns when /v1/models is missing', () => {
    expect(judgePlainModel('http://h', 'a', ['a', 'b'], 200)).toEqual({ served: ['a', 'b'], warnings: [] });
    expect(judgePlainModel('http://h', 'a', undefined, 404).warnings[0]).toMatch(/answered 404/);
  });
});
