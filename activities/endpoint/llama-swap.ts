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
// polled until the model is listed with state "ready". Load time is measured around both. An alias is
// resolved to its model through /v1/models (model-catalog.ts), because /running names the real model.
// Against a plain server nothing is loaded: the model is whatever the server serves (see ensureModelReady).
//
// API key: llama-swap with `apiKeys` in its config answers 401 on every route but /health. The key is
// the `apiKey` option, else $NIGHTSHIFT_LLAMA_SWAP_API_KEY in the worker's environment (so it never
// travels through workflow history or envelopes); it is sent as `Authorization: Bearer <key>`. A 401 is
// an ApiKeyError naming that variable, never "a plain server".
import { performance } from 'node:perf_hooks';
import { Agent, request, type Dispatcher } from 'undici';
import { ConfigError } from '../errors.js';
import { EndpointError, findErrorCode } from './errors.js';
import {
  bodyMessage,
  isLlamaSwapErrorBody,
  isLlamaSwapRunningBody,
  isLlamaSwapUnauthorized,
  modelPath,
  parseModelList,
  parseRunning,
  serverRoot,
  type RunningModel,
} from './llama-swap-parse.js';
import { modelIds, parseModelCatalog, resolveModelId, type ModelCatalog } from './model-catalog.js';

export type { RunningModel } from './llama-swap-parse.js';
export type { ModelCatalog } from './model-catalog.js';
export type EndpointMode = 'llama-swap' | 'plain';

export interface ModelServerOptions {
  signal?: AbortSignal;
  /**
   * Sent as a Bearer token (llama-swap's `apiKeys`, or a plain server's key). Default:
   * $NIGHTSHIFT_LLAMA_SWAP_API_KEY. Pass it here or in the environment, never in workflow input.
   */
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
  /**
   * The id the endpoint runs the model under: for a llama-swap alias the model it names (what /running
   * and the memory target match); otherwise the requested id.
   */
  modelId: string;
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
    aliases: ReadonlyMap<string, string> = new Map(),
    hint?: string,
  ) {
    super(
      `model "${model}" is not served by ${endpoint}; it serves: ` +
        (served.length ? served.join(', ') : '(no models listed on /v1/models)') +
        (aliases.size ? ` (aliases: ${[...aliases].map(([alias, real]) => `${alias} → ${real}`).join(', ')})` : '') +
        (hint ? `; ${hint}` : ''),
    );
  }
}

/** Where the llama-swap client takes its API key from when no `apiKey` option is given. */
export const LLAMA_SWAP_API_KEY_ENV = 'NIGHTSHIFT_LLAMA_SWAP_API_KEY';

/**
 * The endpoint wants an API key it did not get (HTTP 401): llama-swap with `apiKeys` in its config, or a
 * server started with a key. Not retryable (a ConfigError, exit code 2); the message says what to set and
 * never contains the key.
 */
export class ApiKeyError extends ConfigError {
  readonly status = 401;
  constructor(
    message: string,
    readonly endpoint: string,
    /** True when the 401 carried llama-swap's signature (its realm or `src`). */
    readonly llamaSwap: boolean,
    /** Where the key that was refused came from; undefined when none was sent. */
    readonly keySource: string | undefined,
  ) {
    super(message);
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
  return (await modelCatalog(endpoint, options)).served;
}

/** GET /v1/models with llama-swap's aliases (see model-catalog.ts). */
export async function modelCatalog(endpoint: string, options: ModelServerOptions = {}): Promise<ModelCatalog> {
  const root = serverRoot(endpoint);
  const res = await call(`${root}/v1/models`, 'GET', options);
  if (res.status !== 200) {
    throw new EndpointError(
      res.status === 429 ? 'rate_limited' : res.status >= 500 ? 'http_server_error' : 'http_client_error',
      `GET ${root}/v1/models answered ${res.status}: ${bodyMessage(res.body)}`,
      { status: res.status, serverMessage: bodyMessage(res.body) },
    );
  }
  return parseModelCatalog(res.body);
}

/**
 * The id llama-swap runs `model` under (an alias resolved to its model), or `model` itself when the
 * endpoint's /v1/models does not know it (an unlisted model, or an alias an older llama-swap does not report).
 */
export async function resolveModel(endpoint: string, model: string, options: ModelServerOptions = {}): Promise<string> {
  return resolveModelId(await modelCatalog(endpoint, options), model) ?? model;
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

  const catalog = await modelCatalog(root, options);
  const served = catalog.served;
  // /running names the real model: an alias must be matched through the model it names.
  const real = resolveModelId(catalog, model);
  const modelId = real ?? model;
  if (found.running.some((r) => r.model === modelId && r.state === 'ready')) {
    return { mode: 'llama-swap', loadMs: 0, alreadyLoaded: true, modelId, served, warnings: [] };
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
      // v250: 404 {"error":"model not found","src":"llama-swap"} for an id that is neither a model nor an alias.
      if (real === undefined) throw new UnknownModelError(model, modelIds(catalog), root, catalog.aliases);
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

  // Confirm through llama-swap's own state, under the real model id. A model /v1/models does not know
  // (unlisted, or an alias an older llama-swap does not report), and a peer, selector or profile id, cannot
  // be matched there; for them the upstream having answered is the readiness signal.
  if (real !== undefined && !catalog.notLocal.has(real)) {
    for (;;) {
      const running = await runningModels(root, { ...options, probeTimeoutMs: Math.min(remaining(), probeMs(options)) });
      if (running.some((r) => r.model === real && r.state === 'ready')) break;
      await sleepUntilNextPoll(pollMs, deadline, what, options.signal);
    }
  }
  const loadMs = performance.now() - started;
  return { mode: 'llama-swap', loadMs, alreadyLoaded: false, modelId, served, warnings: [] };
}

/**
 * Unloads through llama-swap. With a model: POST /api/models/unload/<model> (llama-swap resolves an
 * alias itself and returns once the process is gone). A model llama-swap refuses — not a model or alias
 * of its config — is an UnknownModelError listing what it serves, and nothing else is unloaded; only an
 * older llama-swap without that route (its router's plain 404/405), asked for a model it lists, gets
 * everything unloaded instead. Without a model: POST /api/models/unload (all), falling back to the legacy
 * GET /unload. A plain server cannot unload; that is reported as method "none", not as an error.
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
    // Never fall back to "unload everything" for a model llama-swap refused: that would stop its peers.
    const catalog = await modelCatalog(root, options);
    if (resolveModelId(catalog, model) === undefined) throw new UnknownModelError(model, modelIds(catalog), root, catalog.aliases);
    const routeMissing = (res.status === 404 || res.status === 405) && !isLlamaSwapErrorBody(res.body);
    if (!routeMissing) {
      throw new EndpointError(
        res.status >= 500 ? 'http_server_error' : 'http_client_error',
        `llama-swap at ${root} did not unload "${model}": POST /api/models/unload/${modelPath(model)} answered ${res.status} (${bodyMessage(res.body)})`,
        { status: res.status, serverMessage: bodyMessage(res.body) },
      );
    }
    // An older llama-swap without the per-model route: unloading everything is the only way left.
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
  return { mode: 'plain', loadMs: 0, alreadyLoaded: true, modelId: model, ...judgePlainModel(root, model, served, res.status) };
}

/**
 * The plain-server rule (see ensureModelReady and docs/model-servers.md): `served` is undefined when
 * /v1/models did not answer 200. A plain server answers requests for any id, so the id is checked here:
 * it must be one the server lists, or — for a server listing one model under a file path, as llama-server
 * without --alias does — that path's file name, with or without its extension. Anything else would
 * publish one model's numbers under another's name: UnknownModelError, with what is served and how to
 * serve it under the wanted name. Returns the served list and the warnings.
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
  const [only] = served;
  if (served.length === 1 && only !== undefined && namesFile(model, only)) {
    return { served, warnings: [`plain server at ${root} serves "${only}"; measured as "${model}", its file name`] };
  }
  throw new UnknownModelError(model, served, root, new Map(), served.length === 1 ? PLAIN_ALIAS_HINT : undefined);
}

const PLAIN_ALIAS_HINT =
  'a plain server answers any model id, so the id must be the one it lists (or that path\'s file name); serve it under the wanted id (llama-server --alias, vllm --served-model-name) or use the listed id';

/** Whether `model` is the file name of the served path `served` (with or without its extension). */
function namesFile(model: string, served: string): boolean {
  const file = served.split(/[\\/]/).pop() ?? served;
  return model === file || model === file.replace(/\.(gguf|safetensors|bin)$/i, '');
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

/** The key to send and where it came from (for messages; the key itself is never put in one). */
function apiKeyOf(options: ModelServerOptions): { key?: string; source?: string } {
  if (options.apiKey) return { key: options.apiKey, source: 'the apiKey option' };
  const fromEnv = process.env[LLAMA_SWAP_API_KEY_ENV];
  if (fromEnv) return { key: fromEnv, source: `$${LLAMA_SWAP_API_KEY_ENV}` };
  return {};
}

function apiKeyError(url: string, method: string, wwwAuthenticate: string | undefined, body: string, source: string | undefined): ApiKeyError {
  const root = new URL(url).origin;
  const swap = isLlamaSwapUnauthorized(401, wwwAuthenticate, body);
  const who = swap ? `llama-swap at ${root}` : root;
  const why = swap ? 'its config sets apiKeys' : 'llama-swap with apiKeys, or a server started with an API key';
  const said = bodyMessage(body);
  const message = source
    ? `${who} refused the API key from ${source} (${method} ${new URL(url).pathname} answered 401${said ? `: ${said}` : ''}); set ${LLAMA_SWAP_API_KEY_ENV} to a key it accepts`
    : `${who} requires an API key (${why}): ${method} ${new URL(url).pathname} answered 401; set ${LLAMA_SWAP_API_KEY_ENV} in the environment of the worker or command that talks to it`;
  return new ApiKeyError(message, root, swap, source);
}

async function call(url: string, method: 'GET' | 'POST', options: CallOptions): Promise<{ status: number; body: string }> {
  const limitMs = Math.max(1, Math.ceil(probeMs(options))); // AbortSignal.timeout takes whole ms only
  const timer = AbortSignal.timeout(limitMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timer]) : timer;
  const headers: Record<string, string> = { accept: 'application/json' };
  const { key, source } = apiKeyOf(options);
  // v250 reads Basic (password), then Bearer, then x-api-key (swaputil.ExtractAPIKey); Bearer is what
  // OpenAI clients send, so the same key works for the inference routes.
  if (key) headers.authorization = `Bearer ${key}`;
  let result: { status: number; body: string; wwwAuthenticate: string | undefined };
  try {
    const res = await request(url, { method, headers, signal, dispatcher: dispatcher() });
    let body = '';
    for await (const chunk of res.body) {
      if (body.length < BODY_LIMIT) body += (chunk as Buffer).toString('utf8');
    }
    const www = res.headers['www-authenticate'];
    result = { status: res.statusCode, body, wwwAuthenticate: Array.isArray(www) ? www.join(', ') : www };
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
  if (result.status === 401) throw apiKeyError(url, method, result.wwwAuthenticate, result.body, source);
  return { status: result.status, body: result.body };
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
