// OpenAI-compatible routes: POST /v1/chat/completions, POST /v1/completions, GET /v1/models.
// An inference request goes: parse → pick the model → (crash fault) → wait for the model to be loaded
// (llama-swap mode) or refuse while loading (plain mode, like llama-server) → context check → injected
// 429/5xx → decode slot → plan the reply and its timeline → stream or answer whole.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from './context.js';
import { decideFaults } from './faults.js';
import { Generation } from './generation.js';
import { HttpError, readJsonBody, sendError, sendJson } from './http.js';
import { sendGoJson, sendLoadFailure, sendSwapResponse } from './swap-answers.js';
import { LoadError, PURPOSE_JITTER, type SimModel } from './model.js';
import { planReply, type ReplyPlan } from './reply.js';
import { parseChatRequest, parseCompletionRequest, type SimRequest } from './request.js';
import { hashString } from './rng.js';
import { TimingPlan } from './timing.js';

export const ROUTE_CHAT = '/v1/chat/completions';
export const ROUTE_COMPLETIONS = '/v1/completions';
export const ROUTE_MODELS = '/v1/models';

export function listModels(ctx: SimContext, res: ServerResponse): void {
  ctx.stats.request(ROUTE_MODELS);
  const created = Math.floor(Date.now() / 1000);
  const data = ctx.pool.order.map((m) => {
    const entry: Record<string, unknown> = { id: m.spec.id, object: 'model', created, owned_by: ctx.plain ? 'nightshift-simulator' : 'llama-swap' };
    if (m.spec.name) entry.name = m.spec.name;
    // Always says "simulated", also where llama-swap would show its config's description (or none).
    entry.description = m.spec.description ? `${m.spec.description} (simulated)` : 'simulated model (nightshift sim-server)';
    // llama-server tells the context one request may use in meta.n_ctx.
    if (ctx.plain) entry.meta = { n_ctx: m.spec.context_length };
    if (!ctx.plain) {
      // As v250 lists its models: its own metadata, and loaded while the process is not stopped.
      entry.meta = { llamaswap: { type: 'model' } };
      entry.status = { value: m.state === 'stopped' ? 'unloaded' : 'loaded' };
    }
    return entry;
  });
  if (ctx.plain) {
    sendJson(res, 200, { object: 'list', data });
    return;
  }
  data.sort((a, b) => (String(a.id) < String(b.id) ? -1 : 1));
  sendGoJson(res, 200, { object: 'list', data });
}

/** The model a request is for, or undefined after answering the error. */
function resolveModel(ctx: SimContext, req: IncomingMessage, res: ServerResponse, name: string): SimModel | undefined {
  // Plain mode behaves like llama-server: one model, whatever name the request uses.
  if (ctx.plain) return ctx.pool.order[0];
  const model = ctx.pool.get(name);
  if (!model) {
    // v250's router finds no model of that name (swaputil.ErrNoRouterFound).
    sendSwapResponse(req, res, 404, 'no router for requested model');
  }
  return model;
}

/**
 * @param forced the model an /upstream/<model>/… path named (llama-swap sends the request to that
 *   model's process whatever the body says); undefined for the /v1 routes.
 * @param routeName the route key for the stats.
 */
export async function handleInference(
  ctx: SimContext,
  req: IncomingMessage,
  res: ServerResponse,
  kind: 'chat' | 'completion',
  forced?: SimModel,
  routeName?: string,
): Promise<void> {
  const arrival = performance.now();
  const route = routeName ?? (kind === 'chat' ? ROUTE_CHAT : ROUTE_COMPLETIONS);
  let body: Record<string, unknown> | undefined;
  let request: SimRequest;
  try {
    body = await readJsonBody(req);
    request = kind === 'chat' ? parseChatRequest(body) : parseCompletionRequest(body);
  } catch (error) {
    // Count the bad request against the model it named, when it named one we serve.
    const named = typeof body?.model === 'string' ? body.model : undefined;
    const id = forced?.spec.id ?? (ctx.plain ? ctx.pool.order[0]?.spec.id : named);
    ctx.stats.request(route, id);
    if (id !== undefined) ctx.stats.failed(id);
    if (error instanceof HttpError) { sendError(res, error.status, error.message, error.type); return; }
    throw error;
  }
  const model = forced ?? resolveModel(ctx, req, res, request.model);
  ctx.stats.request(route, model?.spec.id);
  if (!model) return;
  const ordinal = ++model.requestCount;
  const faults = decideFaults(model, ordinal);
  const fail = (status: number, message: string, type?: string, headers?: Record<string, string>) => {
    sendError(res, status, message, type, headers);
    ctx.stats.failed(model.spec.id);
    ctx.requestEnded(model);
  };
  if (faults.crashNow) { ctx.crash(`crash_on_request ${ordinal} of ${model.spec.id}`); return; }

  let waited = false;
  if (model.state !== 'ready') {
    if (ctx.plain) { fail(503, 'Loading model', 'unavailable_error'); return; }
    try {
      waited = true;
      await ctx.pool.ensureLoaded(model);
    } catch (error) {
      if (!(error instanceof LoadError)) throw error;
      sendLoadFailure(req, res, error);
      ctx.stats.failed(model.spec.id);
      ctx.requestEnded(model);
      return;
    }
  } else {
    ctx.pool.touch(model);
  }
  if (clientGone(res)) {
    ctx.stats.failed(model.spec.id, true);
    ctx.requestEnded(model);
    return;
  }
  if (request.promptTokens > model.spec.context_length) {
    fail(
      400,
      `the request exceeds the available context size (${request.promptTokens} prompt tokens > ${model.spec.context_length}), try increasing it`,
      'exceed_context_size_error',
    ); return;
  }
  if (faults.status === 429) { fail(429, `simulated rate limit on ${model.spec.id}`, 'rate_limit_error', { 'retry-after': '1' }); return; }
  if (faults.status) { fail(faults.status, `simulated server error on ${model.spec.id}`, 'server_error'); return; }
  if (!model.canAdmit()) {
    fail(429, `Too many requests: ${model.spec.id} is decoding its ${model.spec.batching.slots} concurrent requests (simulated)`, 'rate_limit_error'); return;
  }
  const slotWait = model.acquireSlot();
  if (slotWait) {
    waited = true;
    await slotWait;
    if (clientGone(res)) {
      model.releaseSlot();
      ctx.stats.failed(model.spec.id, true);
      ctx.requestEnded(model);
      return;
    }
    if (model.state !== 'ready') {
      // Unloaded while this request queued for a slot: its "process" is gone.
      model.releaseSlot();
      sendSwapResponse(req, res, 502, `${model.spec.id} was unloaded while the request waited for a decode slot`);
      ctx.stats.failed(model.spec.id);
      ctx.requestEnded(model);
      return;
    }
  }
  const start = waited ? performance.now() : arrival;
  const planFor = (r: SimRequest): ReplyPlan => planReply({ seed: ctx.seed, model: model.spec, request: r, neverEnding: faults.neverEnding, toolDraw: faults.toolDraw });
  const plans =
    request.kind === 'completion' && request.prompts.length > 1
      ? request.prompts.map((p) => planFor({ ...request, promptHash: hashString(p.text), lastUser: p.text, promptTokens: p.tokens }))
      : [planFor(request)];
  const timing = new TimingPlan(start, model.prefillMs(request.promptTokens), model.itlMs(), model.spec.jitter, model.rngFor(PURPOSE_JITTER, ordinal).next() * 2 ** 32);
  new Generation(ctx, res, model, request, plans, timing, faults).start();
}

/** The client hung up. A call, not `res.destroyed` inline: it changes while the handler awaits a model
 * load or a decode slot, and an earlier check must not narrow a later one away. */
function clientGone(res: ServerResponse): boolean {
  return res.destroyed;
}
