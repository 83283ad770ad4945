// What a server says about its slots and context: llama.cpp's /props and /v1/models shapes (as observed
// from llama-server b11434), and servers that say nothing.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parseModelsContext, parseProps, readServerLimits } from '../../../activities/endpoint/server-limits.js';
import { startSimServer } from '../../../client/sim-server/server.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

async function serveJson(routes: Record<string, unknown>): Promise<string> {
  const server = createServer((req, res) => {
    const body = routes[req.url ?? ''];
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { error: 'File Not Found' }));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const props = { default_generation_settings: { n_ctx: 2048, params: { temperature: 0.8 } }, total_slots: 2, model_alias: 'gemma3-270m', model_ftype: 'Q4_K - Medium' };
const models = { object: 'list', data: [{ id: 'gemma3-270m', aliases: ['gemma3-270m'], object: 'model', meta: { n_ctx: 2048, n_ctx_train: 32768, n_params: 268098176, size: 246587904 } }] };

describe('server limits', () => {
  it('reads llama.cpp /props: slots and the per-slot context', () => {
    expect(parseProps(props)).toEqual({ slots: 2, contextTokens: 2048 });
    expect(parseProps({ total_slots: 0 })).toEqual({});
    expect(parseProps('nope')).toEqual({});
  });

  it('reads meta.n_ctx of the model from /v1/models, by id, alias or as the only model', () => {
    expect(parseModelsContext(models, 'gemma3-270m')).toBe(2048);
    expect(parseModelsContext(models, 'whatever')).toBe(2048); // llama-server answers to any name
    const two = { data: [{ id: 'a', meta: { n_ctx: 100 } }, { id: 'b', aliases: ['bee'], meta: { n_ctx: 200 } }] };
    expect(parseModelsContext(two, 'bee')).toBe(200);
    expect(parseModelsContext(two, 'c')).toBeUndefined();
    expect(parseModelsContext({ data: [{ id: 'x' }] }, 'x')).toBeUndefined();
  });

  it('asks the server, knows nothing about one that does not say, and fails at once when nothing listens', async () => {
    const llama = await serveJson({ '/props': props, '/v1/models': models });
    expect(await readServerLimits(llama, 'gemma3-270m')).toEqual({ slots: 2, contextTokens: 2048, source: 'llama.cpp /props' });
    expect(await readServerLimits(`${llama}/v1`, 'gemma3-270m')).toMatchObject({ slots: 2 });
    const modelsOnly = await serveJson({ '/v1/models': models });
    expect(await readServerLimits(modelsOnly, 'gemma3-270m')).toEqual({ contextTokens: 2048, source: '/v1/models meta.n_ctx' });
    const silent = await serveJson({ '/v1/models': { data: [{ id: 'm' }] } });
    expect(await readServerLimits(silent, 'm')).toEqual({});
    const gone = await serveJson({});
    const closed = servers.pop()!;
    await new Promise((r) => closed.close(r));
    await expect(readServerLimits(gone, 'm')).rejects.toMatchObject({ errorClass: 'model_endpoint_unreachable' });
  });

  it('the simulated endpoint in plain mode answers like llama-server: slots and context from /props and /v1/models', async () => {
    const sim = await startSimServer({ plain: true, config: { seed: 1, models: [{ id: 'sim-limits', preload: true, context_length: 3000, batching: { slots: 3 } }] } });
    try {
      expect(await readServerLimits(sim.url, 'sim-limits')).toEqual({ slots: 3, contextTokens: 3000, source: 'llama.cpp /props' });
      const listed = (await (await fetch(`${sim.url}/v1/models`)).json()) as unknown;
      expect(parseModelsContext(listed, 'sim-limits')).toBe(3000);
    } finally {
      await sim.close();
    }
  });
});
