// llama-swap's own routes, so the llama-swap client and sweeps can be exercised without llama-swap:
// GET /running, /upstream/<model>/health (loads the model first, as llama-swap does for any /upstream
// call), POST /upstream/<model>/v1/(chat/)completions, POST /api/models/unload (all),
// POST /api/models/unload/<model>, GET /unload, and llama-swap's GET /health ("OK"). Response shapes
// follow llama-swap's handlers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.js';
import { sendJson, sendSwapError, sendText } from './http.js';
import { LoadError } from './model.js';
import { handleInference } from './openai-routes.js';

export const ROUTE_RUNNING = '/running';
export const ROUTE_UPSTREAM_HEALTH = '/upstream/{model}/health';
export const ROUTE_UNLOAD_API = '/api/models/unload';
export const ROUTE_UNLOAD_ONE_API = '/api/models/unload/{model}';
export const ROUTE_UNLOAD = '/unload';

export function running(ctx: SimContext, req: IncomingMessage, res: ServerResponse): void {
  ctx.stats.request(ROUTE_RUNNING);
  // Every simulated model is served by this very process, so its "upstream" is our own address: memory
  // sampling that follows `proxy` to the listening process then measures the simulator, as it would
  // measure llama-server behind a real llama-swap.
  const self = `http://${req.headers.host ?? `${req.socket.localAddress}:${req.socket.localPort}`}`;
  const list = ctx.pool.order
    .filter((m) => m.state !== 'stopped')
    .map((m) => ({
      model: m.spec.id,
      state: m.state,
      cmd: `nightshift sim-server --plain --model ${m.spec.id} (simulated)`,
      proxy: self,
      ttl: 0,
      name: m.spec.name,
      description: m.spec.description,
    }));
  sendJson(res, 200, { running: list });
}

export async function upstream(ctx: SimContext, req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> {
  // llama-swap matches the longest model id prefix of the path; ids may contain "/".
  const model = ctx.pool.order
    .filter((m) => rest === m.spec.id || rest.startsWith(`${m.spec.id}/`))
    .sort((a, b) => b.spec.id.length - a.spec.id.length)[0];
  if (!model) {
    ctx.stats.request('/upstream/{model}');
    sendSwapError(req, res, 400, 'model id required in path'); return;
  }
  const tail = rest.slice(model.spec.id.length);
  const route = tail === '/health' ? ROUTE_UPSTREAM_HEALTH : '/upstream/{model}' + tail;
  // Inference straight to one model's process: the path names the model, the body's "model" is ignored.
  if (req.method === 'POST' && (tail === '/v1/chat/completions' || tail === '/v1/completions')) {
    return handleInference(ctx, req, res, tail === '/v1/chat/completions' ? 'chat' : 'completion', model, route);
  }
  ctx.stats.request(route, model.spec.id);
  try {
    await ctx.pool.ensureLoaded(model);
  } catch (error) {
    if (!(error instanceof LoadError)) throw error;
    sendSwapError(req, res, 502, `unable to start process: ${error.message}`); return;
  }
  // The upstream is a llama-server-like process: it has /health and nothing else worth emulating here.
  if (tail === '/health') { sendJson(res, 200, { status: 'ok' }); return; }
  sendText(res, 404, '404 page not found');
}

export function unloadAllApi(ctx: SimContext, res: ServerResponse): void {
  ctx.stats.request(ROUTE_UNLOAD_API);
  ctx.pool.unloadAll('POST /api/models/unload');
  sendJson(res, 200, { msg: 'ok' });
}

export function unloadOneApi(ctx: SimContext, req: IncomingMessage, res: ServerResponse, id: string): void {
  const model = ctx.pool.get(id);
  ctx.stats.request(ROUTE_UNLOAD_ONE_API, model?.spec.id);
  if (!model) { sendSwapError(req, res, 404, 'Model not found'); return; }
  ctx.pool.unload(model, `POST /api/models/unload/${id}`);
  sendText(res, 200, 'OK');
}

export function unloadAllLegacy(ctx: SimContext, res: ServerResponse): void {
  ctx.stats.request(ROUTE_UNLOAD);
  ctx.pool.unloadAll('GET /unload');
  sendText(res, 200, 'OK');
}
