// Runs `temporal server start-dev` as a child process: for `nightshift dev`, the demo and the tests.
// Every port is chosen free at start (several dev servers may run side by side, e.g. parallel tests),
// the database is a file when one is given (so a restart on the same file keeps every workflow), and the
// Nightshift search attributes are registered by flag.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { dirname } from 'node:path';
import { SEARCH_ATTRIBUTES } from '../../workflows/definitions.js';

export interface DevServerOptions {
  temporalPath: string;
  /** SQLite file; omitted → in-memory (lost on stop). */
  dbFile?: string;
  port?: number;
  /** Web UI port; `false` disables the UI. */
  uiPort?: number | false;
  ip?: string;
  /** Where the server's own log goes (default: discarded). */
  log?: NodeJS.WritableStream;
}

export interface DevServer {
  address: string;
  port: number;
  uiUrl: string | undefined;
  process: ChildProcess;
  /** SIGTERM, then SIGKILL after 10 s; resolves when the process has exited. */
  stop(): Promise<void>;
}

export async function freePort(ip = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, ip, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const port = options.port ?? (await freePort(ip));
  const uiPort = options.uiPort === false ? undefined : (options.uiPort ?? (await freePort(ip)));
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(port), '--http-port', String(await freePort(ip)), '--metrics-port', String(await freePort(ip)), '--log-level', 'warn'];
  args.push(...(uiPort === undefined ? ['--headless'] : ['--ui-port', String(uiPort)]));
  if (options.dbFile) {
    await mkdir(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  args.push(...devServerSearchAttributeFlags());
  const child = spawn(options.temporalPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    if (options.log) options.log.write(chunk);
    else if (output.length < 20_000) output += chunk.toString();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const address = `${ip}:${port}`;
  const ready = await Promise.race([waitForPort(ip, port, 60_000).then(() => true), exited.then(() => false)]);
  if (!ready) throw new Error(`temporal server start-dev exited before listening on ${address}:\n${output.slice(-4000)}`);
  return {
    address,
    port,
    uiUrl: uiPort === undefined ? undefined : `http://${ip}:${uiPort}`,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listened on ${host}:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `--search-attribute Name=Type` flags for `temporal server start-dev`. */
export function devServerSearchAttributeFlags(): string[] {
  return Object.values(SEARCH_ATTRIBUTES).flatMap((k) => ['--search-attribute', `${k.name}=${k.type === 'KEYWORD_LIST' ? 'KeywordList' : 'Keyword'}`]);
}
