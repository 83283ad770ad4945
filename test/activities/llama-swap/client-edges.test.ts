// The llama-swap client's rules for answers the real v250 and the simulator do not give: an older
// llama-swap without the per-model unload route, and a 401 from a server that is not llama-swap. A tiny
// HTTP server plays each; the real-llama-swap tests cover what v250 itself answers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiKeyError, detectEndpointMode, unloadModel, UnknownModelError } from '../../../activities/endpoint/llama-swap.js';
import { startSimServer } from '../../../client/sim-server/server.js';

let server: Server | undefined;
afterEach(async () => {
  if (server) {
    server.close();
    server.closeAllConnections();
    await once(server, 'close');
  }
  server = undefined;
});

async function fake(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; seen: string[] }> {
  const seen: string[] = [];
  server = createServer((req, res) => {
    seen.push(`${req.method ?? ''} ${req.url ?? ''}`);
    handler(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, seen };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** An older llama-swap: /running and /v1/models, unload-all, but no per-model unload route. */
function olderLlamaSwap(req: IncomingMessage, res: ServerResponse): void {
  if (req.url === '/running') json(res, 200, { running: [{ model: 'a', state: 'ready' }] });
  else if (req.url === '/v1/models') json(res, 200, { object: 'list', data: [{ id: 'a' }, { id: 'b' }] });
  else if (req.url === '/api/models/unload' && req.method === 'POST') json(res, 200, { msg: 'ok' });
  else {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('404 page not found\n');
  }
}

describe('unloading one model', () => {
  it('on an older llama-swap without the per-model route, unloads everything only for a model it lists', async () => {
    const { url, seen } = await fake(olderLlamaSwap);
    expect(await unloadModel(url, 'a')).toEqual({ mode: 'llama-swap', method: 'api-all' });
    seen.length = 0;
    await expect(unloadModel(url, 'typo')).rejects.toThrow('model "typo" is not served by');
    expect(seen).not.toContain('POST /api/models/unload');
  });

  it('against the simulator: a typo is an UnknownModelError and the loaded model keeps running', async () => {
    const sim = await startSimServer({ config: { models: [{ id: 'sim-a' }, { id: 'sim-b' }] }, port: 0 });
    try {
      await fetch(`${sim.url}/upstream/sim-a/health`);
      const error = await unloadModel(sim.url, 'sim-aa').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UnknownModelError);
      expect((error as UnknownModelError).served).toEqual(['sim-a', 'sim-b']);
      expect(sim.stats().models['sim-a']).toMatchObject({ state: 'ready', unloads: 0 });
      expect(sim.stats().routes['/api/models/unload']).toBeUndefined();
    } finally {
      await sim.close();
    }
  });
});

describe('a 401', () => {
  it('from a server that is not llama-swap is still an ApiKeyError, never "a plain server"', async () => {
    const { url } = await fake((_req, res) => json(res, 401, { error: { code: 401, message: 'Invalid API Key', type: 'authentication_error' } }));
    const error = await detectEndpointMode(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiKeyError);
    expect(error).toMatchObject({ llamaSwap: false, exitCode: 2 });
    expect((error as Error).message).toBe(
      `${url} requires an API key (llama-swap with apiKeys, or a server started with an API key): GET /running answered 401; ` +
        'set NIGHTSHIFT_LLAMA_SWAP_API_KEY in the environment of the worker or command that talks to it',
    );
  });
});
