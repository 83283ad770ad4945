// Makes a model loaded and ready on the endpoint, and unloads it again, whether the endpoint is
// llama-swap or a plain OpenAI-compatible server.
//
// Detection probe: GET <root>/running. llama-swap answers 200 {"running": [...]}; vllm-mlx,
// mlx_lm.server, llama-server and Ollama answer 404 (no such route). Anything else that is an HTTP
// answer is treated as a plain server; no answer within the probe timeout (5 s) is
// `model_endpoint_unreachable`.
//
// Loading through llama-swap: GET /upstream/<model>/health makes llama-swap start the model's process
// (evicting others in its group) and blocks until its own health check passes; then GET /running is
// polled until the model is listed with state "ready". Load time is measured around both.
// Against a plain server nothing is loaded: the model is whatever the server serves (see ensureModelReady).
import { performance } from 'node:perf_hooks';
import { Agent, request, type Dispatcher } from 'undici';
import { ConfigError } from '../errors.js';
import { EndpointError, findErrorCode } from './errors.js';
import {
  bodyMessage,
  isLlamaSwapRunningBody,
  modelPath,
  parseModelList,
  parseRunning,
  serverRoot,
  type RunningModel,
} from './llama-swap-parse.js';

export type { RunningModel } from './llama-swap-parse.js';
export type EndpointMode = 'llama-swap' | 'plain';

export interface ModelServerOptions {
  signal?: AbortSignal;
  /** Sent as a Bearer token (llama-swap's `apiKeys`, or a plain server's key). */
  apiKey?: string;
  /** Bound on each management request (/running, /v1/models, unload); default 5000 ms. */
  probeTimeoutMs?: number;
}

export interface EnsureReadyOptions extends ModelServerOptions {
  /** Bound on the whole load; default 10 minutes (large models take minutes to map). */
  timeoutMs?: number;
  /** How often /running is polled while waiting; default 200 ms. */
  pollIntervalMs?: number;
}

export interface ModelReady {
  mode: EndpointMode;
  /** Milliseconds from the load request until the model was ready; 0 when it already was. */
  loadMs: number;
  alreadyLoaded: boolean;
  /** Model ids the endpoint lists on /v1/models (empty when it has no such route). */
  served: string[];
  /** Things the caller should record in the envelope's `errors` (e.g. a plain server serving another id). */
  warnings: string[];
}

export interface UnloadResult {
  mode: EndpointMode;
  /** Which route did it: the per-model API, the unload-all API, the legacy GET /unload, or nothing (plain). */
  method: 'api-model' | 'api-all' | 'legacy' | 'none';
}

/** The requested model is not one the endpoint serves; the message lists what it does serve. */
export class UnknownModelError extends ConfigError {
  constructor(
    readonly model: string,
    readonly served: string[],
    readonly endpoint: string,
  ) {
    super(
      `model "${model}" is not served by ${endpoint}; it serves: ` +
        (served.length ? served.join(', ') : '(no models listed on /v1/models)'),
    );
  }
}

const DEFAULT_PROBE_TIMEOUT_MS = 5_000;
const DEFAULT_LOAD_TIMEOUT_MS = 600_000;
const BODY_LIMIT = 1024 * 1024;

/** llama-swap or a plain server? One GET /running (see the header comment). */
export async function detectEndpointMode(endpoint: string, options: ModelServerOptions = {}): Promise<EndpointMode> {
  return (await probe(endpoint, options)).mode;
}

/** Model ids from GET /v1/models (for llama-swap: every listed model in its config). */
export async function listModels(endpoint: string, options: ModelServerOptions = {}): Promise<string[]> {
  const root = serverRoot(endpoint);
  const res = await call(`${root}/v1/models`, 'GET', options);
  if (res.status !== 200) {
    throw new EndpointError(
      res.status === 429 ? 'rate_limited' : res.status >= 500 ? 'http_server_error' : 'http_client_error',
      `GET ${root}/v1/models answered ${res.status}: ${bodyMessage(res.body)}`,
      { status: res.status, serverMessage: bodyMessage(res.body) },
    );
  }
  return parseModelList(res.body);
}

/** What llama-swap has running (GET /running). Throws for a plain server, which has no such list. */
export async function runningModels(endpoint: string, options: ModelServerOptions = {}): Promise<RunningModel[]> {
  const found = await probe(endpoint, options);
  if (found.mode !== 'llama-swap') {
    throw new EndpointError(
      'http_client_error',
      `${serverRoot(endpoint)} is not llama-swap (GET /running answered ${found.status}); a plain server has no running list`,
      { status: found.status },
    );
  }
  return found.running;
}

/**
 * Makes `model` loaded and ready.
 *
 * llama-swap: already "ready" in /running → {alreadyLoaded: true, loadMs: 0}; else the load is triggered
 * through /upstream/<model>/health and /running polled until "ready". An id llama-swap does not know →
 * UnknownModelError listing /v1/models.
 *
 * Plain server: nothing can be loaded; the model is whatever is served. The requested id is checked
 * against /v1/models: listed → fine; not listed but the server serves at most one model (vllm-mlx,
 * mlx_lm.server and llama-server serve one, often under a path-like id) → a warning is returned and the
 * run proceeds; not listed among several (e.g. Ollama) → UnknownModelError.
 */
export async function ensureModelReady(
  endpoint: string,
  model: string,
  options: EnsureReadyOptions = {},
): Promise<ModelReady> {
  const root = serverRoot(endpoint);
  const found = await probe(endpoint, options);
  if (found.mode === 'plain') return plainReady(root, model, options);

  const served = await listModels(root, options);
  if (found.running.some((r) => r.model === model && r.state === 'ready')) {
    return { mode: 'llama-swap', loadMs: 0, alreadyLoaded: true, served, warnings: [] };
  }

  const timeoutMs = options.timeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS;
  const pollMs = options.pollIntervalMs ?? 200;
  const started = performance.now();
  const deadline = started + timeoutMs;
  const remaining = () => Math.max(1, deadline - performance.now());
  const what = `loading "${model}" (timeout ${timeoutMs} ms)`;

  // Trigger the load. llama-swap holds this request until the process passed its health check.
  for (;;) {
    const res = await call(`${root}/upstream/${modelPath(model)}/health`, 'GET', {
      ...options,
      probeTimeoutMs: remaining(),
      timeoutClass: 'timeout',
      what,
    });
    if (res.status === 400 || res.status === 404) {
      if (!served.includes(model)) throw new UnknownModelError(model, await listModels(root, options), root);
      break; // a known model whose upstream simply has no /health route: it is up
    }
    if (res.status === 502 || res.status === 500) {
      throw new EndpointError('http_server_error', `llama-swap could not start "${model}": ${bodyMessage(res.body)}`, {
        status: res.status,
        serverMessage: bodyMessage(res.body),
      });
    }
    // 503: the process is stopping (a swap in progress) or the upstream is still loading its weights;
    // 429: its concurrencyLimit is full. Both pass; anything else means the upstream answered.
    if (res.status !== 503 && res.status !== 429) break;
    await sleepUntilNextPoll(pollMs, deadline, what, options.signal);
  }

  // Confirm through llama-swap's own state (in matrix mode a process can still be "starting").
  // /running names the real model id; an alias (not on /v1/models) cannot be matched there, and for
  // it the upstream having answered is the readiness signal.
  if (served.includes(model)) {
    for (;;) {
      const running = await runningModels(root, { ...options, probeTimeoutMs: Math.min(remaining(), probeMs(options)) });
      if (running.some((r) => r.model === model && r.state === 'ready')) break;
      await sleepUntilNextPoll(pollMs, deadline, what, options.signal);
    }
  }
  const loadMs = performance.now() - started;
  return { mode: 'llama-swap', loadMs, alreadyLoaded: false, served, warnings: [] };
}

/**
 * Unloads through llama-swap: POST /api/models/unload/<model> when a model is named (newer versions),
 * else or on failure POST /api/models/unload (all), falling back to the legacy GET /unload. A plain server
 * cannot unload; that is reported as method "none", not as an error.
 */
export async function unloadModel(
  endpoint: string,
  model?: string,
  options: ModelServerOptions = {},
): Promise<UnloadResult> {
  const root = serverRoot(endpoint);
  const found = await probe(endpoint, options);
  if (found.mode === 'plain') return { mode: 'plain', method: 'none' };
  if (model) {
    const res = await call(`${root}/api/models/unload/${modelPath(model)}`, 'POST', options);
    if (res.status === 200) return { mode: 'llama-swap', method: 'api-model' };
  }
  const all = await call(`${root}/api/models/unload`, 'POST', options);
  if (all.status === 200) return { mode: 'llama-swap', method: 'api-all' };
  const legacy = await call(`${root}/unload`, 'GET', options);
  if (legacy.status === 200) return { mode: 'llama-swap', method: 'legacy' };
  throw new EndpointError(
    legacy.status >= 500 ? 'http_server_error' : 'http_client_error',
    `llama-swap at ${root} refused to unload: POST /api/models/unload answered ${all.status}, GET /unload ${legacy.status} (${bodyMessage(legacy.body)})`,
    { status: legacy.status, serverMessage: bodyMessage(legacy.body) },
  );
}

async function plainReady(root: string, model: string, options: ModelServerOptions): Promise<ModelReady> {
  const res = await call(`${root}/v1/models`, 'GET', options);
  const served = res.status === 200 ? parseModelList(res.body) : undefined;
  return { mode: 'plain', loadMs: 0, alreadyLoaded: true, ...judgePlainModel(root, model, served, res.status) };
}

/**
 * The plain-server rule (see ensureModelReady): `served` is undefined when /v1/models did not answer 200.
 * Returns the served list and the warnings, or throws UnknownModelError.
 */
export function judgePlainModel(
  root: string,
  model: string,
  served: string[] | undefined,
  status: number,
): { served: string[]; warnings: string[] } {
  if (served === undefined) {
    return {
      served: [],
      warnings: [`${root}/v1/models answered ${status}; cannot check that "${model}" is the model being served`],
    };
  }
  if (served.length === 0 || served.includes(model)) return { served, warnings: [] };
  if (served.length > 1) throw new UnknownModelError(model, served, root);
  return {
    served,
    warnings: [
      `plain server at ${root} serves "${served[0]}", not "${model}"; a plain server serves whatever it has loaded, so the run measures "${served[0]}"`,
    ],
  };
}

interface ProbeResult {
  mode: EndpointMode;
  status: number;
  running: RunningModel[];
}

async function probe(endpoint: string, options: ModelServerOptions): Promise<ProbeResult> {
  const root = serverRoot(endpoint);
  const res = await call(`${root}/running`, 'GET', options);
  if (isLlamaSwapRunningBody(res.status, res.body)) {
    return { mode: 'llama-swap', status: res.status, running: parseRunning(res.body) };
  }
  return { mode: 'plain', status: res.status, running: [] };
}

interface CallOptions extends ModelServerOptions {
  /** Error class when the time bound passes: probes say the endpoint is unreachable, loads time out. */
  timeoutClass?: 'model_endpoint_unreachable' | 'timeout';
  what?: string;
}

let agent: Dispatcher | undefined;
// One pool for management calls, with the 5 s connect bound that makes "unreachable" fail fast.
function dispatcher(): Dispatcher {
  agent ??= new Agent({ connect: { timeout: DEFAULT_PROBE_TIMEOUT_MS }, keepAliveTimeout: 2_000 });
  return agent;
}

function probeMs(options: ModelServerOptions): number {
  return options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
}

async function call(url: string, method: 'GET' | 'POST', options: CallOptions): Promise<{ status: number; body: string }> {
  const limitMs = Math.max(1, Math.ceil(probeMs(options))); // AbortSignal.timeout takes whole ms only
  const timer = AbortSignal.timeout(limitMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timer]) : timer;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
  try {
    const res = await request(url, { method, headers, signal, dispatcher: dispatcher() });
    let body = '';
    for await (const chunk of res.body) {
      if (body.length < BODY_LIMIT) body += (chunk as Buffer).toString('utf8');
    }
    return { status: res.statusCode, body };
  } catch (error) {
    if (options.signal?.aborted) throw new EndpointError('aborted', `${method} ${url} was cancelled`, { cause: error });
    if (timer.aborted) {
      const seconds = Math.round(limitMs / 100) / 10;
      if (options.timeoutClass === 'timeout') {
        throw new EndpointError('timeout', `${options.what ?? `${method} ${url}`} did not finish within ${seconds} s`, {
          cause: error,
        });
      }
      throw new EndpointError('model_endpoint_unreachable', `${method} ${url} got no answer within ${seconds} s`, {
        cause: error,
      });
    }
    const code = findErrorCode(error);
    if (code) {
      throw new EndpointError('model_endpoint_unreachable', `${method} ${url} failed (${code}); is the model server running?`, {
        cause: error,
      });
    }
    throw new EndpointError('connection_lost', `${method} ${url} failed: ${(error as Error).message}`, { cause: error });
  }
}

async function sleepUntilNextPoll(pollMs: number, deadline: number, what: string, signal?: AbortSignal): Promise<void> {
  const left = deadline - performance.now();
  if (left <= 0) throw new EndpointError('timeout', `${what}: the model did not become ready in time`);
  if (signal?.aborted) throw new EndpointError('aborted', `${what} was cancelled`);
  await new Promise<void>((resolve) => {
    const t = setTimeout(resolve, Math.min(pollMs, left));
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
  if (signal?.aborted) throw new EndpointError('aborted', `${what} was cancelled`);
}
