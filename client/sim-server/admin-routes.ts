// The simulator's own routes under /sim/: request statistics (GET /sim/stats, POST /sim/stats/reset)
// and run-time fault changes (POST /sim/faults), which tests use to make a model fail or recover in the
// middle of a suite. Plain-mode /health (llama-server's readiness probe) lives here too.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigError } from '../../activities/errors.js';
import { parseFaults } from './config.js';
import type { SimContext } from './context.js';
import { HttpError, readJsonBody, sendError, sendJson } from './http.js';

export function stats(ctx: SimContext, res: ServerResponse): void {
  sendJson(res, 200, ctx.stats.snapshot((id) => ctx.pool.state(id)));
}

export function resetStats(ctx: SimContext, res: ServerResponse): void {
  ctx.stats.reset();
  sendJson(res, 200, { reset: true });
}

/**
 * Body: {"model": "sim-x", "faults": {...}} replaces that model's faults (keys as in a config's
 * [models.faults]; omitted keys are off), or without "model" every model's. {"faults": {}} heals.
 */
export async function setFaults(ctx: SimContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: Record<string, unknown>;
  try {
    body = await readJsonBody(req);
  } catch (error) {
    if (error instanceof HttpError) { sendError(res, error.status, error.message); return; }
    throw error;
  }
  // A model that is not a string names no simulated model: 404 like an unknown id.
  const targets = body.model === undefined ? ctx.pool.order : [typeof body.model === 'string' ? ctx.pool.get(body.model) : undefined].filter((m) => m !== undefined);
  if (targets.length === 0) { sendError(res, 404, `unknown model ${JSON.stringify(body.model)}; simulated models: ${ctx.pool.ids().join(', ')}`); return; }
  const extra = Object.keys(body).filter((k) => k !== 'model' && k !== 'faults');
  if (extra.length) { sendError(res, 400, `unknown key(s) ${extra.map((k) => JSON.stringify(k)).join(', ')}; expected "model" and "faults"`); return; }
  let faults;
  try {
    faults = parseFaults(body.faults ?? {});
  } catch (error) {
    if (error instanceof ConfigError) { sendError(res, 400, error.message); return; }
    throw error;
  }
  for (const m of targets) m.faults = faults;
  ctx.log(`faults of ${targets.map((m) => m.spec.id).join(', ')} set to ${JSON.stringify(faults)}`);
  sendJson(res, 200, { models: Object.fromEntries(targets.map((m) => [m.spec.id, m.faults])) });
}

/** llama-server's readiness probe: 503 while loading, 200 when ready (llama-swap polls this). */
export function plainHealth(ctx: SimContext, res: ServerResponse): void {
  const model = ctx.pool.order[0];
  if (model?.state === 'ready') { sendJson(res, 200, { status: 'ok' }); return; }
  sendJson(res, 503, { error: { code: 503, message: 'Loading model', type: 'unavailable_error' } });
}

/** llama-server's GET /props, the part clients read: how many requests it decodes at once (its slots) and
 * the context one request may use (`default_generation_settings.n_ctx`, per slot). */
export function plainProps(ctx: SimContext, res: ServerResponse): void {
  const model = ctx.pool.order[0];
  if (!model) { sendJson(res, 404, { error: { code: 404, message: 'no model', type: 'not_found_error' } }); return; }
  sendJson(res, 200, {
    total_slots: model.spec.batching.slots,
    default_generation_settings: { n_ctx: model.spec.context_length },
    model_alias: model.spec.id,
    chat_template_caps: { supports_tools: model.spec.supports_tools },
  });
}
