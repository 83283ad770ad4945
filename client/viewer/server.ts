// HTTP server for the viewer: the static page, Chart.js from node_modules, and the JSON API.
// Binds to 127.0.0.1 unless told otherwise: the dataset may describe a private machine.
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { ApiError, handleApi, type ViewerSettings } from './api.js';
import type { ViewerStore } from './store.js';
import { projectPath } from '../../activities/project-root.js';
import { listenError } from '../net/listen.js';

export const staticDir = projectPath('client', 'viewer', 'static');
// chart.js does not export its UMD build as a subpath; find it next to the package's main entry.
export const chartJsPath = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');

const STATIC_FILES: Record<string, string> = {
  '/': join(staticDir, 'index.html'),
  '/index.html': join(staticDir, 'index.html'),
  '/app.js': join(staticDir, 'app.js'),
  '/style.css': join(staticDir, 'style.css'),
  '/vendor/chart.umd.min.js': chartJsPath,
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface RunningViewer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

export interface ViewerOptions extends ViewerSettings {
  host?: string;
  port?: number;
  /** Where an unexpected failure is reported (the client only hears that there was one); default stderr. */
  onInternalError?: (path: string, error: unknown) => void;
}

export async function startViewer(store: ViewerStore, options: ViewerOptions): Promise<RunningViewer> {
  const settings: ViewerSettings = { temporalUiUrl: options.temporalUiUrl, temporalNamespace: options.temporalNamespace };
  const reportInternal =
    options.onInternalError ??
    ((path: string, error: unknown) => process.stderr.write(`nightshift viewer: ${path}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`));
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://viewer');
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET') { send(405, 'text/plain', 'only GET is served'); return; }
    if (url.pathname.startsWith('/api/')) {
      handleApi(store, settings, url.pathname, url.searchParams)
        .then((body) => send(200, 'application/json', JSON.stringify(body)))
        .catch((error: unknown) => {
          if (error instanceof ApiError) {
            send(error.status, 'application/json', JSON.stringify({ error: error.message }));
            return;
          }
          // Internals (a database message, SQL text, paths) stay in the viewer's log, never in the answer.
          reportInternal(url.pathname, error);
          send(500, 'application/json', JSON.stringify({ error: `internal error answering ${url.pathname}; the viewer's log has the details` }));
        });
      return;
    }
    const file = STATIC_FILES[url.pathname];
    if (!file) { send(404, 'text/plain', `not found: ${url.pathname}`); return; }
    readFile(file)
      .then((body) => send(200, TYPES[extname(file)] ?? 'application/octet-stream', body))
      .catch((error: unknown) => {
        reportInternal(url.pathname, error);
        send(500, 'text/plain', `internal error reading ${url.pathname}`);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenError(error, options.port ?? 8300, options.host ?? '127.0.0.1')));
    server.listen(options.port ?? 8300, options.host ?? '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host ?? '127.0.0.1';
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    server,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
