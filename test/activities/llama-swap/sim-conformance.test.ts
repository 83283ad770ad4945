// Simulator fidelity: the same requests to the REAL llama-swap v250 (whose upstreams are `nightshift
// sim-server --plain` processes) and to `nightshift sim-server` in its llama-swap mode, with the same
// models; status codes, content types, Location headers and body shapes must agree, and llama-swap's own
// messages must agree word for word. The requests run in the same order against both, so the model
// states (stopped, starting, ready) match too.
//
// The /v1 routes in llama-swap mode too: an unknown model, a failed load, and the /v1/models entries.
// One known difference: the simulator always describes its models as simulated, so its entries carry a
// `description` where llama-swap shows the config's (none here).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from '../../../client/sim-server/server.js';
import { freePort } from './render-config.js';
import { startLlamaSwap, type RunningLlamaSwap } from './start-llama-swap.js';

const A = 'sim-conf-a';
const B = 'sim-conf-b';
const BROKEN = 'sim-conf-broken';

/** One simulator config for both sides: the in-process simulator, and each upstream of the real llama-swap. */
const SIM_CONFIG = {
  seed: 3,
  max_loaded_models: 1,
  models: [
    { id: A, load_ms: 100, reply_tokens: 4, ttft_ms: 1, decode_tokens_per_second: 0 },
    { id: B, load_ms: 600, reply_tokens: 4, ttft_ms: 1, decode_tokens_per_second: 0 },
    { id: BROKEN, load_ms: 50, faults: { load_fail_rate: 1 } },
  ],
};

interface Answer {
  status: number;
  contentType: string | null;
  location: string | null;
  text: string;
}

interface Ask {
  method?: 'GET' | 'POST';
  accept?: string;
  body?: unknown;
}

async function ask(base: string, path: string, { method = 'GET', accept, body }: Ask = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (accept) headers.accept = accept;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    redirect: 'manual',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, contentType: res.headers.get('content-type'), location: res.headers.get('location'), text: await res.text() };
}

/** The structure of a JSON value: object keys (sorted) with their shapes, array element shapes, leaf types. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, shape((value as Record<string, unknown>)[k])]));
  }
  return value === null ? 'null' : typeof value;
}

function bodyOf(answer: Answer): unknown {
  return answer.contentType?.includes('json') ? JSON.parse(answer.text) : answer.text;
}

describe('nightshift sim-server answers llama-swap routes as the real llama-swap v250 does', () => {
  let swap: RunningLlamaSwap | undefined;
  let sim: SimServer | undefined;
  let real = '';
  let simulated = '';
  let dir = '';

  beforeAll(async () => {
    sim = await startSimServer({ config: SIM_CONFIG, port: 0 });
    simulated = sim.url;
    // The real llama-swap's upstreams: one `sim-server --plain` process per model, same config file.
    const models: Record<string, unknown> = {};
    dir = await mkdtemp(join(tmpdir(), 'ns-conformance-sim-'));
    const configFile = join(dir, 'sim.json');
    await writeFile(configFile, JSON.stringify(SIM_CONFIG));
    for (const { id } of SIM_CONFIG.models) {
      const port = await freePort();
      models[id] = {
        cmd: `"${process.execPath}" client/bin/nightshift.mjs sim-server --plain --host 127.0.0.1 --port ${port} --model ${id} --config ${configFile}`,
        proxy: `http://127.0.0.1:${port}`,
        checkEndpoint: '/health',
      };
    }
    swap = await startLlamaSwap(
      { healthCheckTimeout: 60, logLevel: 'info', models, groups: { sim: { swap: true, exclusive: true, members: Object.keys(models) } } },
      'ns-conformance-',
    );
    real = swap.url;
  });

  afterAll(async () => {
    await swap?.stop();
    await sim?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Sends the request to both; asserts status, content type and Location agree; returns [real, simulated]. */
  async function both(path: string, options: Ask = {}): Promise<[Answer, Answer]> {
    const r = await ask(real, path, options);
    const s = await ask(simulated, path, options);
    const what = `${options.method ?? 'GET'} ${path}${options.accept ? ` (Accept: ${options.accept})` : ''}`;
    expect({ what, status: s.status, contentType: s.contentType, location: s.location }).toEqual({
      what,
      status: r.status,
      contentType: r.contentType,
      location: r.location,
    });
    return [r, s];
  }

  async function sameShape(path: string, options: Ask = {}): Promise<[unknown, unknown]> {
    const [r, s] = await both(path, options);
    const rb = bodyOf(r);
    const sb = bodyOf(s);
    expect(shape(sb)).toEqual(shape(rb));
    return [rb, sb];
  }

  async function sameBody(path: string, options: Ask = {}): Promise<unknown> {
    const [r, s] = await both(path, options);
    expect(bodyOf(s)).toEqual(bodyOf(r));
    return bodyOf(r);
  }

  it('/health and an idle /running', async () => {
    expect(await sameBody('/health')).toBe('OK');
    expect(await sameBody('/running')).toEqual({ running: [] });
  });

  it('an unknown model on /upstream: 404 "model not found", JSON unless Accept asks for text', async () => {
    expect(await sameBody('/upstream/sim-nope/health')).toEqual({ error: 'model not found', src: 'llama-swap' });
    expect(await sameBody('/upstream/sim-nope/v1/chat/completions', { method: 'POST', body: { model: 'x', messages: [] } })).toEqual({
      error: 'model not found',
      src: 'llama-swap',
    });
    expect(await sameBody('/upstream/sim-nope/health', { accept: 'application/json' })).toEqual({ error: 'model not found', src: 'llama-swap' });
    expect(await sameBody('/upstream/sim-nope/health', { accept: 'text/plain' })).toBe('llama-swap: model not found');
    expect(await sameBody('/upstream/sim-nope/health', { accept: 'text/html,application/xhtml+xml' })).toBe(
      '<html><body><h1>llama-swap</h1><p>model not found</p></body></html>',
    );
  });

  it('/upstream/<model> without a trailing slash: 301 for GET, 308 for POST', async () => {
    const [r] = await both(`/upstream/${A}?x=1`);
    expect(r.status).toBe(301);
    expect(r.location).toBe(`/upstream/${A}/?x=1`);
    await sameBody(`/upstream/${A}?x=1`);
    const [post] = await both(`/upstream/${A}`, { method: 'POST' });
    expect(post.status).toBe(308);
    expect(await sameBody('/running')).toEqual({ running: [] }); // a redirect loads nothing
  });

  it('/upstream/<model>/health loads the model; /running shows it with every field', async () => {
    expect(await sameBody(`/upstream/${A}/health`)).toEqual({ status: 'ok' });
    const [r, s] = await sameShape('/running');
    expect(r).toMatchObject({ running: [{ model: A, state: 'ready', ttl: 0, name: '', description: '' }] });
    expect(s).toMatchObject({ running: [{ model: A, state: 'ready', ttl: 0, name: '', description: '' }] });
  });

  it('/running lists a model that is still starting', async () => {
    const pending = [fetch(`${real}/upstream/${B}/health`), fetch(`${simulated}/upstream/${B}/health`)];
    const starting = async (base: string) => {
      for (let i = 0; i < 500; i++) {
        const body = JSON.parse((await ask(base, '/running')).text) as { running: Array<{ model: string; state: string }> };
        const entry = body.running.find((m) => m.model === B);
        if (entry) return body;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`${base}: ${B} never appeared in /running`);
    };
    const [r, s] = await Promise.all([starting(real), starting(simulated)]);
    expect(shape(s)).toEqual(shape(r));
    expect(r.running.find((m) => m.model === B)?.state).toBe('starting');
    expect(s.running.find((m) => m.model === B)?.state).toBe('starting');
    for (const res of await Promise.all(pending)) expect(res.status).toBe(200);
    expect(await sameShape('/running')).toEqual([{ running: [expect.objectContaining({ model: B, state: 'ready' })] }, expect.anything()]);
  });

  it('inference and other paths through /upstream reach the model', async () => {
    const chat = { model: 'ignored', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 };
    await sameShape(`/upstream/${A}/v1/chat/completions`, { method: 'POST', body: chat });
    await sameBody(`/upstream/${A}/no-such-route`);
  });

  it('unload of an unknown model: 404 "model not found"; of a model: "OK" once it has stopped', async () => {
    expect(await sameBody('/api/models/unload/sim-nope', { method: 'POST' })).toEqual({ error: 'model not found', src: 'llama-swap' });
    expect(await sameBody(`/api/models/unload/${A}`, { method: 'POST' })).toBe('OK');
    // Both answer only after the process stopped: nothing is left to see in /running.
    expect(await sameBody('/running')).toEqual({ running: [] });
  });

  it('a load that fails: 500 with llama-swap\'s JSON error', async () => {
    expect(await sameBody(`/upstream/${BROKEN}/health`)).toEqual({
      error: 'unspecific error: upstream command exited prematurely',
      src: 'llama-swap',
    });
    expect(await sameBody(`/upstream/${BROKEN}/health`, { accept: 'text/plain' })).toBe(
      'llama-swap: unspecific error: upstream command exited prematurely',
    );
    expect(await sameBody('/running')).toEqual({ running: [] });
  });

  it('unload all: POST /api/models/unload → {"msg":"ok"}, GET /unload → "OK"', async () => {
    await both(`/upstream/${A}/health`);
    expect(await sameBody('/api/models/unload', { method: 'POST' })).toEqual({ msg: 'ok' });
    expect(await sameBody('/running')).toEqual({ running: [] });
    await both(`/upstream/${A}/health`);
    expect(await sameBody('/unload')).toBe('OK');
    expect(await sameBody('/running')).toEqual({ running: [] });
  });

  it('an unknown model on POST /v1/chat/completions: 404 "no router for requested model"', async () => {
    const body = { model: 'sim-conf-nope', messages: [{ role: 'user', content: 'hi' }] };
    expect(await sameBody('/v1/chat/completions', { method: 'POST', body })).toEqual({ error: 'no router for requested model', src: 'llama-swap' });
    expect(await sameBody('/v1/chat/completions', { method: 'POST', body, accept: 'text/plain' })).toBe('llama-swap: no router for requested model');
  });

  it('a failed load on POST /v1/chat/completions: 500 with llama-swap\'s error', async () => {
    const body = { model: BROKEN, messages: [{ role: 'user', content: 'hi' }] };
    expect(await sameBody('/v1/chat/completions', { method: 'POST', body })).toEqual({ error: 'unspecific error: upstream command exited prematurely', src: 'llama-swap' });
  });

  it('/v1/models: every model once, sorted, with meta.llamaswap and its load status', async () => {
    await both(`/upstream/${A}/health`);
    const [r, s] = await both('/v1/models');
    type Entry = Record<string, unknown> & { id: string };
    const strip = (body: unknown) => (body as { data: Entry[] }).data.map(({ created: _c, description: _d, ...rest }) => rest);
    const real = strip(bodyOf(r));
    expect(strip(bodyOf(s))).toEqual(real);
    expect(real.find((m) => m.id === A)).toMatchObject({ owned_by: 'llama-swap', meta: { llamaswap: { type: 'model' } }, status: { value: 'loaded' } });
    expect(real.find((m) => m.id === B)?.status).toEqual({ value: 'unloaded' });
  });
});
