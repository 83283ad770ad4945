// llama-swap emulation: models start stopped, a request blocks while its model loads, /running shows
// starting → ready, loading another model swaps the first out, unload routes stop models, and
// /upstream/<model>/health loads and answers.
import { afterEach, describe, expect, it } from 'vitest';
import type { SimServer } from '../../client/sim-server/server.js';
import { model, postJson, sim } from './helpers.js';

interface Running {
  running: Array<{ model: string; state: string }>;
}

let server: SimServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function running(url: string): Promise<Running['running']> {
  const res = await fetch(`${url}/running`);
  expect(res.headers.get('x-nightshift-simulated')).toBe('1');
  return ((await res.json()) as Running).running;
}

const ask = (m: string) => ({ model: m, messages: [{ role: 'user', content: 'hi' }] });

describe('llama-swap emulation', () => {
  it('blocks a request while its model loads, showing starting then ready', async () => {
    server = await sim({ models: [model('sim-a', { load_ms: 300 }), model('sim-b')] });
    expect(await running(server.url)).toEqual([]);
    const pending = postJson(`${server.url}/v1/chat/completions`, ask('sim-a'));
    // Poll until the load has begun (the request reached the server).
    let states: Running['running'] = [];
    for (let i = 0; i < 100 && states.length === 0; i++) {
      states = await running(server.url);
      if (states.length === 0) await new Promise((r) => setTimeout(r, 5));
    }
    expect(states).toMatchObject([{ model: 'sim-a', state: 'starting' }]);
    const res = await pending;
    expect(res.status).toBe(200);
    expect(await running(server.url)).toMatchObject([{ model: 'sim-a', state: 'ready' }]);
    const stats = server.stats().models['sim-a'];
    expect(stats?.loads).toBe(1);
    expect(stats?.load_ms_total).toBe(300);
  });

  it('swaps models: loading another one stops the least recently used', async () => {
    server = await sim({ models: [model('sim-a'), model('sim-b'), model('sim-c')], max_loaded_models: 2 });
    for (const m of ['sim-a', 'sim-b']) expect((await postJson(`${server.url}/v1/chat/completions`, ask(m))).status).toBe(200);
    expect((await running(server.url)).map((r) => r.model).sort()).toEqual(['sim-a', 'sim-b']);
    await postJson(`${server.url}/v1/chat/completions`, ask('sim-a'));
    await postJson(`${server.url}/v1/chat/completions`, ask('sim-c'));
    expect((await running(server.url)).map((r) => r.model).sort()).toEqual(['sim-a', 'sim-c']);
    expect(server.stats().models['sim-b']?.unloads).toBe(1);
  });

  it('never ends up with more models loaded than allowed, even when instant loads are preloaded together', async () => {
    server = await sim({ models: [model('sim-a', { preload: true }), model('sim-b', { preload: true })] });
    for (let i = 0; i < 20 && (await running(server.url)).some((r) => r.state !== 'ready'); i++) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 20));
    expect(await running(server.url)).toMatchObject([{ model: 'sim-b', state: 'ready' }]);
  });

  it('loads through /upstream/<model>/health and unloads with POST /api/models/unload and GET /unload', async () => {
    server = await sim({ models: [model('sim-a', { load_ms: 50 }), model('sim-b')], max_loaded_models: 2 });
    const health = await fetch(`${server.url}/upstream/sim-a/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(await running(server.url)).toMatchObject([{ model: 'sim-a', state: 'ready' }]);

    const unload = await fetch(`${server.url}/api/models/unload`, { method: 'POST' });
    expect(unload.status).toBe(200);
    expect(await unload.json()).toEqual({ msg: 'ok' });
    expect(await running(server.url)).toEqual([]);

    await fetch(`${server.url}/upstream/sim-b/health`);
    const legacy = await fetch(`${server.url}/unload`);
    expect(await legacy.text()).toBe('OK');
    expect(await running(server.url)).toEqual([]);

    await fetch(`${server.url}/upstream/sim-a/health`);
    await fetch(`${server.url}/upstream/sim-b/health`);
    const one = await fetch(`${server.url}/api/models/unload/sim-a`, { method: 'POST' });
    expect(await one.text()).toBe('OK');
    expect((await running(server.url)).map((r) => r.model)).toEqual(['sim-b']);
    expect((await fetch(`${server.url}/api/models/unload/sim-nope`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(`${server.url}/upstream/nope/health`)).status).toBe(404);
    expect(await (await fetch(`${server.url}/health`)).text()).toBe('OK');
  });

  // As llama-swap v250 answers (test/activities/llama-swap/sim-conformance.test.ts compares with the real one).
  it('answers its own errors as llama-swap does: JSON by default, text when Accept asks for it', async () => {
    server = await sim({ models: [model('sim-a'), model('sim-broken', { faults: { load_fail_rate: 1 } })] });
    const json = await fetch(`${server.url}/upstream/sim-nope/health`);
    expect([json.status, json.headers.get('content-type')]).toEqual([404, 'application/json']);
    expect(await json.json()).toEqual({ error: 'model not found', src: 'llama-swap' });
    const text = await fetch(`${server.url}/api/models/unload/sim-nope`, { method: 'POST', headers: { accept: 'text/plain' } });
    expect([text.status, text.headers.get('content-type'), await text.text()]).toEqual([404, 'text/plain', 'llama-swap: model not found']);
    const failed = await fetch(`${server.url}/upstream/sim-broken/health`);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: 'unspecific error: upstream command exited prematurely', src: 'llama-swap' });
    const chat = await postJson(`${server.url}/upstream/sim-broken/v1/chat/completions`, ask('sim-broken'));
    expect(chat.status).toBe(500);
    expect(server.stats().models['sim-broken']).toMatchObject({ failed: 1, load_failures: 2 });
  });

  it('redirects /upstream/<model> to /upstream/<model>/ (301 for GET, 308 otherwise) without loading it', async () => {
    server = await sim({ models: [model('sim-a')] });
    const get = await fetch(`${server.url}/upstream/sim-a?q=1`, { redirect: 'manual' });
    expect([get.status, get.headers.get('location')]).toEqual([301, '/upstream/sim-a/?q=1']);
    const post = await fetch(`${server.url}/upstream/sim-a`, { method: 'POST', redirect: 'manual' });
    expect([post.status, post.headers.get('location')]).toEqual([308, '/upstream/sim-a/']);
    expect(await running(server.url)).toEqual([]);
  });

  it('lists every field of a running model in /running, sorted by id', async () => {
    server = await sim({ models: [model('sim-b', { name: 'B', description: 'the b' }), model('sim-a')], max_loaded_models: 2 });
    await fetch(`${server.url}/upstream/sim-b/health`);
    await fetch(`${server.url}/upstream/sim-a/health`);
    const list = await running(server.url);
    expect(list.map((r) => r.model)).toEqual(['sim-a', 'sim-b']);
    expect(list[1]).toEqual({
      model: 'sim-b',
      state: 'ready',
      cmd: 'nightshift sim-server --plain --model sim-b (simulated)',
      proxy: server.url,
      ttl: 0,
      name: 'B',
      description: 'the b',
    });
    expect(list[0]).toMatchObject({ name: '', description: '' });
  });

  it('sends /upstream/<model>/v1/chat/completions to the model in the path', async () => {
    server = await sim({ models: [model('sim-a'), model('sim-b')] });
    const res = await postJson(`${server.url}/upstream/sim-b/v1/chat/completions`, ask('whatever'));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { model: string }).model).toBe('sim-b');
    expect(server.stats().models['sim-b']?.routes).toEqual({ '/upstream/{model}/v1/chat/completions': 1 });
    expect((await running(server.url)).map((r) => r.model)).toEqual(['sim-b']);
  });

  it('counts requests per model and route at /sim/stats, and resets them', async () => {
    server = await sim({ models: [model('sim-a'), model('sim-b')], max_loaded_models: 2 });
    await postJson(`${server.url}/v1/chat/completions`, ask('sim-a'));
    await postJson(`${server.url}/v1/chat/completions`, ask('sim-a'));
    await postJson(`${server.url}/v1/completions`, { model: 'sim-b', prompt: 'x' });
    await fetch(`${server.url}/upstream/sim-b/health`);
    const stats = (await (await fetch(`${server.url}/sim/stats`)).json()) as ReturnType<SimServer['stats']>;
    expect(stats.models['sim-a']).toMatchObject({ requests: 2, completed: 2, failed: 0, routes: { '/v1/chat/completions': 2 }, state: 'ready' });
    expect(stats.models['sim-b']?.routes).toEqual({ '/v1/completions': 1, '/upstream/{model}/health': 1 });
    expect(stats.routes['/v1/chat/completions']).toBe(2);
    expect(stats.models['sim-a']?.completion_tokens).toBe(16);
    await fetch(`${server.url}/sim/stats/reset`, { method: 'POST' });
    expect(server.stats().models['sim-a']?.requests).toBe(0);
  });

  it('cuts in-flight streams when their model is unloaded, like killing the upstream process', async () => {
    server = await sim({ models: [model('sim-slow', { reply_tokens: 1000, decode_tokens_per_second: 100 })] });
    const res = await postJson(`${server.url}/v1/chat/completions`, { ...ask('sim-slow'), stream: true });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await fetch(`${server.url}/api/models/unload`, { method: 'POST' });
    await expect((async () => {
      while (!(await reader.read()).done);
    })()).rejects.toThrow();
    expect(server.stats().models['sim-slow']).toMatchObject({ failed: 1, aborted: 0, unloads: 1 });
  });
});
