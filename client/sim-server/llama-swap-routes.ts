// llama-swap's own routes, answered as the real llama-swap v250 answers them (internal/server/api.go,
// apigroup.go, swaputil/http.go), so the llama-swap client and sweeps can be exercised without it:
// GET /running, /upstream/<model>/… (loads the model first, as llama-swap does for any /upstream call),
// POST /api/models/unload (all), POST /api/models/unload/<model>, GET /unload, and GET /health ("OK").
// test/activities/llama-swap/sim-conformance.test.ts sends the same requests to a real llama-swap and to
// this simulator and compares status codes, content types and body shapes.
//
// llama-swap's own errors (swaputil.SendResponse) are JSON {"error": "…", "src": "llama-swap"} unless the
// request's Accept contains text/plain ("llama-swap: …" as text) or text/html. Its JSON routes send
// `Content-Type: application/json` and a body ending in a newline (Go's json.Encoder); its "OK" answers
// are Go's sniffed `text/plain; charset=utf-8`.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.js';
import { SIM_HEADER, sendError, sendJson, sendText } from './http.js';
import { escapeHtml, sendGoJson, sendLoadFailure, sendSwapResponse, writeWhole } from './swap-answers.js';
import { LoadError, type SimModel } from './model.js';
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
  const self = `http://${req.headers.host ?? `${req.socket.localAddress ?? '127.0.0.1'}:${req.socket.localPort ?? 0}`}`;
  // v250 lists every process that is not stopped (or shut down), sorted by id, every field present.
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
    }))
    .sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
  sendGoJson(res, 200, { running: list });
}

/**
 * /upstream/<model>/<path>: `rest` is the decoded path after "/upstream/". The model is the longest
 * run of leading segments that names a model (ids may contain "/"), as v250's FindModelInPath does.
 */
export async function upstream(ctx: SimContext, req: IncomingMessage, res: ServerResponse, rest: string): Promise<void> {
  const parts = rest.split('/');
  let model: SimModel | undefined;
  let remaining = '/';
  let name = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (part === '') continue;
    name = name ? `${name}/${part}` : part;
    const found = ctx.pool.get(name);
    if (found) {
      model = found;
      remaining = `/${parts.slice(i + 1).join('/')}`;
    }
  }
  if (!model) {
    ctx.stats.request('/upstream/{model}');
    sendSwapResponse(req, res, 404, 'model not found');
    return;
  }
  const id = model.spec.id;
  // /upstream/<model> → /upstream/<model>/ so relative URLs resolve: 301 for GET/HEAD, 308 otherwise.
  if (remaining === '/' && !rest.endsWith('/')) {
    ctx.stats.request('/upstream/{model}', id);
    const url = req.url ?? '';
    const q = url.indexOf('?');
    redirect(req, res, `/upstream/${id}/${q === -1 ? '' : url.slice(q)}`);
    return;
  }
  const route = remaining === '/health' ? ROUTE_UPSTREAM_HEALTH : `/upstream/{model}${remaining}`;
  const inference = req.method === 'POST' && (remaining === '/v1/chat/completions' || remaining === '/v1/completions');
  if (!inference) ctx.stats.request(route, id);
  // llama-swap starts the model before it forwards anything to it.
  if (model.state !== 'ready') {
    try {
      await ctx.pool.ensureLoaded(model);
    } catch (error) {
      if (!(error instanceof LoadError)) throw error;
      if (inference) {
        ctx.stats.request(route, id);
        ctx.stats.failed(id);
      }
      sendLoadFailure(req, res, error);
      return;
    }
  } else {
    ctx.pool.touch(model);
  }
  // Then the request reaches the model's process: a llama-server-like plain simulator.
  if (inference) {
    return handleInference(ctx, req, res, remaining === '/v1/chat/completions' ? 'chat' : 'completion', model, route);
  }
  if (remaining === '/health' && req.method === 'GET') {
    sendJson(res, 200, { status: 'ok' });
    return;
  }
  const method = req.method ?? 'GET';
  sendError(res, 404, `no route for ${method} ${remaining} on the simulated endpoint (plain mode: no llama-swap routes)`, 'not_found_error');
}

/** POST /api/models/unload: every model, answered once all are stopped. */
export function unloadAllApi(ctx: SimContext, res: ServerResponse): void {
  ctx.stats.request(ROUTE_UNLOAD_API);
  ctx.pool.unloadAll('POST /api/models/unload');
  sendGoJson(res, 200, { msg: 'ok' });
}

/** POST /api/models/unload/<model>: that model only, answered once it is stopped; 404 for an unknown id. */
export function unloadOneApi(ctx: SimContext, req: IncomingMessage, res: ServerResponse, id: string): void {
  const model = ctx.pool.get(id.replace(/^\//, ''));
  ctx.stats.request(ROUTE_UNLOAD_ONE_API, model?.spec.id);
  if (!model) {
    sendSwapResponse(req, res, 404, 'model not found');
    return;
  }
  ctx.pool.unload(model, `POST /api/models/unload/${id}`);
  sendText(res, 200, 'OK');
}

/** GET /unload (the older route): every model, "OK". */
export function unloadAllLegacy(ctx: SimContext, res: ServerResponse): void {
  ctx.stats.request(ROUTE_UNLOAD);
  ctx.pool.unloadAll('GET /unload');
  sendText(res, 200, 'OK');
}

/** Go's http.Redirect: HTML body for GET, headers only otherwise. */
function redirect(req: IncomingMessage, res: ServerResponse, location: string): void {
  const getOrHead = req.method === 'GET' || req.method === 'HEAD';
  const status = getOrHead ? 301 : 308;
  if (!getOrHead) {
    res.writeHead(status, { location, [SIM_HEADER]: '1', 'content-length': 0 });
    res.end();
    return;
  }
  const body = req.method === 'GET' ? `<a href="${escapeHtml(location)}">Moved Permanently</a>.\n\n` : '';
  writeWhole(res, status, 'text/html; charset=utf-8', body, { location });
}

