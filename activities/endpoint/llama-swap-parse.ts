// Pure readers for what llama-swap and OpenAI-compatible servers answer on their management routes.
// Shapes follow llama-swap v250's own handlers (internal/server/api.go): GET /running →
// {"running":[{model, state, cmd, proxy, ttl, name, description}]} listing every process that is not
// "stopped" or "shutdown" (so "starting", "ready" and "stopping", in group and matrix mode alike), GET
// /v1/models → {"object":"list","data":[{"id":…}]}, and its own errors (swaputil.SendResponse) as
// {"error": "…", "src": "llama-swap"} unless the request's Accept asks for text/plain or text/html.
import { EndpointError } from './errors.js';
import { isRecord } from '../../workflows/shared/records.js';

/** One upstream process llama-swap reports as running. */
export interface RunningModel {
  model: string;
  /** "ready", "starting", "stopping", "stopped" or "shutdown". */
  state: string;
  /** The upstream command line with llama-swap's macros (${PORT} …) already filled in. */
  cmd?: string;
  /** Where llama-swap forwards requests for this model (e.g. http://localhost:5800). */
  proxy?: string;
  /** Seconds of idleness before llama-swap unloads it (<= 0: never). */
  ttl?: number;
  name?: string;
  description?: string;
}

/**
 * The server root for management routes: origin plus any path prefix, without a trailing /v1 (users
 * paste either http://host:11434 or http://host:11434/v1).
 */
export function serverRoot(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new EndpointError(
      'model_endpoint_unreachable',
      `endpoint "${endpoint}" is not a URL (expected e.g. http://127.0.0.1:11434)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EndpointError('model_endpoint_unreachable', `endpoint "${endpoint}" must be http:// or https://`);
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return url.origin + path;
}

/** llama-swap resolves model ids that contain "/" segment by segment, so each segment is encoded alone. */
export function modelPath(model: string): string {
  return model
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

/**
 * Is a GET /running answer llama-swap's? Only a 200 with a JSON object holding a `running` array
 * counts; plain servers answer 404 (vllm-mlx, mlx_lm.server, llama-server, Ollama).
 */
export function isLlamaSwapRunningBody(status: number, body: string): boolean {
  if (status !== 200) return false;
  const parsed = parseJson(body);
  return isRecord(parsed) && Array.isArray(parsed.running);
}

/** GET /running body → running models; entries without a model id are dropped. */
export function parseRunning(body: string): RunningModel[] {
  const parsed = parseJson(body);
  if (!isRecord(parsed) || !Array.isArray(parsed.running)) {
    throw new EndpointError('malformed_response', `GET /running did not return {"running": [...]}: ${clip(body)}`);
  }
  const out: RunningModel[] = [];
  for (const entry of parsed.running) {
    if (!isRecord(entry) || typeof entry.model !== 'string' || !entry.model) continue;
    const item: RunningModel = { model: entry.model, state: typeof entry.state === 'string' ? entry.state : 'ready' };
    if (typeof entry.cmd === 'string' && entry.cmd) item.cmd = entry.cmd;
    if (typeof entry.proxy === 'string' && entry.proxy) item.proxy = entry.proxy;
    if (typeof entry.ttl === 'number') item.ttl = entry.ttl;
    if (typeof entry.name === 'string' && entry.name) item.name = entry.name;
    if (typeof entry.description === 'string' && entry.description) item.description = entry.description;
    out.push(item);
  }
  return out;
}

/** GET /v1/models body → model ids, in the order served. */
export function parseModelList(body: string): string[] {
  const parsed = parseJson(body);
  // Ollama's native /api/tags uses {"models":[{"name"}]}; the OpenAI route uses data[].id.
  const list = isRecord(parsed) ? (Array.isArray(parsed.data) ? parsed.data : parsed.models) : undefined;
  if (!Array.isArray(list)) {
    throw new EndpointError('malformed_response', `GET /v1/models did not return {"data": [...]}: ${clip(body)}`);
  }
  const ids: string[] = [];
  for (const entry of list) {
    const id = isRecord(entry) ? (entry.id ?? entry.name) : undefined;
    if (typeof id === 'string' && id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/** The TCP port of a llama-swap `proxy` URL (http://localhost:5800 → 5800). */
export function proxyPort(proxy: string | undefined): number | undefined {
  if (!proxy) return undefined;
  try {
    const url = new URL(proxy);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    return Number.isInteger(port) && port > 0 ? port : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Is this body an error llama-swap itself wrote (not its Go router's "404 page not found", not an
 * upstream's answer)? v250 writes {"error": "…", "src": "llama-swap"}; older versions {"error": "…"} when
 * the client accepts JSON, or a text starting with "llama-swap:" when it asks for text.
 */
export function isLlamaSwapErrorBody(body: string): boolean {
  const parsed = parseJson(body);
  if (isRecord(parsed)) return typeof parsed.error === 'string' && (parsed.src === undefined || parsed.src === 'llama-swap');
  return body.startsWith('llama-swap:');
}

/**
 * Is a 401 llama-swap's (its `apiKeys` are set)? v250 answers with `WWW-Authenticate: Basic
 * realm="llama-swap"` and {"error": "unauthorized: invalid or missing API key", "src": "llama-swap"}.
 */
export function isLlamaSwapUnauthorized(status: number, wwwAuthenticate: string | undefined, body: string): boolean {
  if (status !== 401) return false;
  if (wwwAuthenticate && /realm="?llama-swap"?/i.test(wwwAuthenticate)) return true;
  const parsed = parseJson(body);
  return isRecord(parsed) && parsed.src === 'llama-swap';
}

/** Short text of an error body for a message: llama-swap answers plain text unless asked for JSON. */
export function bodyMessage(body: string): string {
  const parsed = parseJson(body);
  if (isRecord(parsed)) {
    const error = parsed.error;
    if (typeof error === 'string') return clip(error);
    if (isRecord(error) && typeof error.message === 'string') return clip(error.message);
    if (typeof parsed.message === 'string') return clip(parsed.message);
  }
  return clip(body.trim());
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
