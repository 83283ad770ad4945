// What a model server says about its own limits, read once before a measurement: how many requests it
// decodes at once (llama.cpp's parallel slots) and the context one request may use. llama.cpp tells both
// in GET /props (`total_slots`; `default_generation_settings.n_ctx`, which is per slot: -c 4096 -np 2 →
// 2048) and the context again in GET /v1/models (`data[].meta.n_ctx`). Other servers (vLLM, Ollama,
// llama-swap's own routes, the simulated endpoint) may tell nothing: every field is then undefined and the
// caller behaves as if it had not asked. A limit that cannot be read (an error status, a slow answer) is
// simply unknown; only a server that cannot be connected to at all is an error (model_endpoint_unreachable),
// so a run against nothing ends at once instead of after the reads' timeouts.
import { isRecord } from '../../workflows/shared/records.js';
import { EndpointError, isUnreachable } from './errors.js';
import { resolveBaseUrl } from './openai-client.js';

export interface ServerLimits {
  /** Requests the server decodes at once; more wait in its queue. */
  slots?: number;
  /** Tokens (prompt + generated) one request may use. */
  contextTokens?: number;
  /** Where the figures came from, for messages (e.g. "llama.cpp /props"). */
  source?: string;
}

/** Default wait for each answer; the perf suites pass their connect timeout. */
const READ_TIMEOUT_MS = 5_000;

interface ReadOptions {
  signal?: AbortSignal;
  apiKey?: string;
  timeoutMs?: number;
}

/** `GET /props` body → slots and per-slot context (llama.cpp). */
export function parseProps(body: unknown): ServerLimits {
  if (!isRecord(body)) return {};
  const out: ServerLimits = {};
  if (positiveInt(body.total_slots)) out.slots = body.total_slots;
  const settings = body.default_generation_settings;
  if (isRecord(settings) && positiveInt(settings.n_ctx)) out.contextTokens = settings.n_ctx;
  return out;
}

/** `GET /v1/models` body → the context of `model` (llama.cpp's meta.n_ctx), matched by id or alias; a
 * single listed model is taken whatever its name (llama-server answers to any model name). */
export function parseModelsContext(body: unknown, model: string): number | undefined {
  if (!isRecord(body) || !Array.isArray(body.data)) return undefined;
  const entries = body.data.filter(isRecord);
  const named = entries.find((e) => e.id === model || (Array.isArray(e.aliases) && e.aliases.includes(model)));
  const entry = named ?? (entries.length === 1 ? entries[0] : undefined);
  const meta = entry?.meta;
  return isRecord(meta) && positiveInt(meta.n_ctx) ? meta.n_ctx : undefined;
}

export async function readServerLimits(baseUrl: string, model: string, options: ReadOptions = {}): Promise<ServerLimits> {
  const { origin, apiPrefix } = resolveBaseUrl(baseUrl);
  const root = `${origin}${apiPrefix.slice(0, -'/v1'.length)}`;
  // Both at once: a server that answers neither costs one timeout, not two.
  const [propsBody, modelsBody] = await Promise.all([getJson(`${root}/props`, origin, options), getJson(`${origin}${apiPrefix}/models`, origin, options)]);
  const props = parseProps(propsBody);
  const context = parseModelsContext(modelsBody, model);
  if (props.slots !== undefined || props.contextTokens !== undefined) {
    if (props.contextTokens !== undefined || context === undefined) return { ...props, source: 'llama.cpp /props' };
    return { ...props, contextTokens: context, source: 'llama.cpp /props and /v1/models' };
  }
  return context === undefined ? {} : { contextTokens: context, source: '/v1/models meta.n_ctx' };
}

async function getJson(url: string, origin: string, options: ReadOptions): Promise<unknown> {
  const signals = [AbortSignal.timeout(options.timeoutMs ?? READ_TIMEOUT_MS), ...(options.signal ? [options.signal] : [])];
  try {
    const response = await fetch(url, {
      signal: AbortSignal.any(signals),
      headers: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
    });
    if (!response.ok) return undefined;
    return (await response.json()) as unknown;
  } catch (error) {
    if (isUnreachable(error)) {
      throw new EndpointError('model_endpoint_unreachable', `cannot connect to ${origin}; is the model server running?`, { cause: error });
    }
    return undefined;
  }
}

function positiveInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}
