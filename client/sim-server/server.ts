// The simulated endpoint: an OpenAI- and llama-swap-compatible HTTP server whose "models" are timing
// and text simulations. It is a product feature (demos, load-generator calibration, fault tests), never
// a model: ids start with "sim-", every response carries `x-nightshift-simulated: 1` and every /v1/models
// entry is described as simulated (owned_by "nightshift-simulator" in plain mode; "llama-swap" in
// llama-swap mode, as the real one says).
//
//   const sim = await startSimServer({ config: 'configs/sim/demo.toml', port: 0 });
//   sim.url  // http://127.0.0.1:PORT   …   sim.stats()   …   await sim.close()
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ConfigError } from '../../activities/errors.js';
import { listenError } from '../net/listen.js';
import * as admin from './admin-routes.js';
import { DEFAULT_CONFIG_PATH, loadSimConfig, parseFaults, parseSimConfig, type FaultSpec, type SimConfig } from './config.js';
import type { SimContext } from './context.js';
import { HttpError, sendError, sendText } from './http.js';
import * as swap from './llama-swap-routes.js';
import { ModelPool } from './model-pool.js';
import type { SimModel } from './model.js';
import * as openai from './openai-routes.js';
import { StatsRecorder, type SimStats } from './stats.js';
import { Timeline } from './timeline.js';

export interface SimServerOptions {
  /** A config file path (TOML/JSON), a config object (validated like a file), or a parsed SimConfig. Default: configs/sim/demo.toml. */
  config?: string | SimConfig | Record<string, unknown>;
  /** 0 (default) picks an ephemeral port. */
  port?: number;
  host?: string;
  /** Overrides the config's seed. */
  seed?: number;
  /** Plain OpenAI server: one model, no llama-swap routes, loads at start like llama-server. */
  plain?: boolean;
  /** Serve only this model id. */
  model?: string;
  /** Let crash faults end the process (the CLI sets this; in-process servers only drop every connection). */
  allowExit?: boolean;
  /** Log sink (one line per call). Default: silent. */
  log?: (line: string) => void;
}

export interface SimServer {
  url: string;
  port: number;
  /** Models served, in config order. */
  models: string[];
  stats(): SimStats;
  resetStats(): void;
  /** Replaces a model's faults at run time (same keys as [models.faults]); no model = all models. */
  setFaults(faults: Partial<FaultSpec>, model?: string): void;
  close(): Promise<void>;
}

/** Exit code of a simulated crash (EX_SOFTWARE), so a test can tell it from other exits. */
export const CRASH_EXIT_CODE = 70;

function resolveConfig(option: SimServerOptions['config']): SimConfig {
  if (option === undefined) return loadSimConfig(DEFAULT_CONFIG_PATH);
  if (typeof option === 'string') return loadSimConfig(option);
  if ('source' in option && Array.isArray(option.models) && typeof option.seed === 'number' && typeof option.max_loaded_models === 'number') {
    return option as SimConfig;
  }
  return parseSimConfig(option, 'inline config');
}

export async function startSimServer(options: SimServerOptions = {}): Promise<SimServer> {
  let config = resolveConfig(options.config);
  if (options.model !== undefined) {
    const only = config.models.filter((m) => m.id === options.model);
    if (only.length === 0) {
      throw new ConfigError(`--model ${options.model}: not in ${config.source} (models: ${config.models.map((m) => m.id).join(', ')})`);
    }
    config = { ...config, models: only };
  }
  if (options.plain) config = { ...config, models: config.models.slice(0, 1) };
  const seed = options.seed ?? config.seed;
  const log = options.log ?? (() => undefined);
  const plain = options.plain === true;
  const stats = new StatsRecorder(config.models.map((m) => m.id));
  const pool = new ModelPool(config, seed, plain ? 1 : config.max_loaded_models, stats, log);
  const timeline = new Timeline();
  const sockets = new Set<Socket>();
  let responseIds = 0;
  let server: Server | undefined = undefined;
  let closed = false;

  const dropEverything = () => {
    timeline.clear();
    for (const m of pool.order) for (const abort of [...m.inflight]) abort();
    for (const s of sockets) s.destroy();
  };

  const ctx: SimContext = {
    config,
    seed,
    pool,
    stats,
    timeline,
    plain,
    log,
    crash(reason: string) {
      log(`simulated crash: ${reason}`);
      if (options.allowExit) {
        process.stderr.write(`sim-server: simulated crash (${reason}), exiting with ${CRASH_EXIT_CODE}\n`);
        process.exit(CRASH_EXIT_CODE);
      }
      // In-process there is no process to lose: drop every connection and stop listening instead.
      closed = true;
      server?.close();
      dropEverything();
    },
    nextResponseId: () => ++responseIds,
    requestEnded(model: SimModel) {
      model.finishedCount++;
      const limit = model.faults.crash_after_requests;
      if (limit > 0 && model.finishedCount >= limit) {
        // Let the current response's bytes leave before the "process" dies.
        setImmediate(() => ctx.crash(`crash_after_requests ${limit} on ${model.spec.id}`));
      }
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    if (method === 'POST' && path === openai.ROUTE_CHAT) return openai.handleInference(ctx, req, res, 'chat');
    if (method === 'POST' && path === openai.ROUTE_COMPLETIONS) return openai.handleInference(ctx, req, res, 'completion');
    if (method === 'GET' && path === openai.ROUTE_MODELS) { openai.listModels(ctx, res); return; }
    if (path === '/sim/stats' && method === 'GET') { admin.stats(ctx, res); return; }
    if (path === '/sim/stats/reset' && method === 'POST') { admin.resetStats(ctx, res); return; }
    if (path === '/sim/faults' && method === 'POST') return admin.setFaults(ctx, req, res);
    if (plain) {
      if (path === '/health' && method === 'GET') { admin.plainHealth(ctx, res); return; }
      if (path === '/props' && method === 'GET') { admin.plainProps(ctx, res); return; }
    } else {
      if (path === '/health' && method === 'GET') { sendText(res, 200, 'OK'); return; }
      if (path === swap.ROUTE_RUNNING && method === 'GET') { swap.running(ctx, req, res); return; }
      if (path.startsWith('/upstream/')) return swap.upstream(ctx, req, res, decodeURIComponent(path.slice('/upstream/'.length)));
      if (path === swap.ROUTE_UNLOAD_API && method === 'POST') { swap.unloadAllApi(ctx, res); return; }
      if (path.startsWith(`${swap.ROUTE_UNLOAD_API}/`) && method === 'POST') {
        swap.unloadOneApi(ctx, req, res, decodeURIComponent(path.slice(swap.ROUTE_UNLOAD_API.length + 1))); return;
      }
      if (path === swap.ROUTE_UNLOAD && method === 'GET') { swap.unloadAllLegacy(ctx, res); return; }
    }
    ctx.stats.request('(not found)');
    sendError(res, 404, `no route for ${method} ${path} on the simulated endpoint${plain ? ' (plain mode: no llama-swap routes)' : ''}`, 'not_found_error');
  };

  server = createServer({ keepAlive: true, noDelay: true, requestTimeout: 0, keepAliveTimeout: 65_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!res.headersSent) sendError(res, error instanceof HttpError ? error.status : 500, error instanceof Error ? error.message : String(error));
      else res.destroy();
    });
  });
  // Long streams must not be cut by Node's defaults; clients choose their own timeouts.
  server.timeout = 0;
  server.headersTimeout = 66_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    const refuse = (error: NodeJS.ErrnoException) => reject(listenError(error, options.port ?? 0, options.host ?? '127.0.0.1'));
    server.once('error', refuse);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', refuse);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('sim-server: listening address is not a TCP address');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  // llama-server loads its model after it starts listening (and answers 503 meanwhile); llama-swap
  // preloads what its config asks for.
  const startLoad = (m: SimModel) =>
    pool.ensureLoaded(m).catch((error: unknown) => {
      log(`load of ${m.spec.id} failed: ${(error as Error).message}`);
      if (plain) ctx.crash(`model ${m.spec.id} failed to load`);
    });
  if (plain) void startLoad(pool.order[0] as SimModel);
  else for (const m of pool.order.filter((x) => x.spec.preload)) void startLoad(m);

  return {
    url,
    port: address.port,
    models: pool.ids(),
    stats: () => stats.snapshot((id) => pool.state(id)),
    resetStats: () => stats.reset(),
    setFaults(faults: Partial<FaultSpec>, model?: string) {
      const parsed = parseFaults(faults);
      const targets = model === undefined ? pool.order : [pool.get(model)];
      for (const m of targets) {
        if (!m) throw new ConfigError(`setFaults: unknown model ${model}; simulated models: ${pool.ids().join(', ')}`);
        m.faults = parsed;
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) {
          dropEverything();
          resolve();
          return;
        }
        closed = true;
        server.close(() => resolve());
        for (const m of pool.order) m.unload();
        dropEverything();
        server.closeAllConnections();
      }),
  };
}

