// Test support: renders configs/llama-swap/sim-upstream.yaml into a concrete llama-swap config for one
// test run — the ${sim} macro expanded, `node` replaced by this node binary, and ${PORT} replaced by a
// free port per model with an explicit proxy (no startPort range that could collide with other tests
// running at the same time).
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../support/tools.js';

export interface RenderedConfig {
  healthCheckTimeout?: number;
  models: Record<string, { cmd: string; proxy: string; checkEndpoint?: string; concurrencyLimit?: number; aliases?: string[] }>;
  groups?: Record<string, unknown>;
  [key: string]: unknown;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

export async function renderSimUpstreamConfig(): Promise<RenderedConfig> {
  const template = parse(await readFile(join(projectRoot, 'configs/llama-swap/sim-upstream.yaml'), 'utf8')) as {
    macros?: Record<string, string>;
    startPort?: number;
    models: Record<string, { cmd: string; proxy?: string }>;
  };
  const sim = (template.macros?.sim ?? '').replace(/^node /, `"${process.execPath}" `);
  for (const model of Object.values(template.models)) {
    const port = await freePort();
    model.cmd = model.cmd.replace('${sim}', sim).replace('${PORT}', String(port));
    model.proxy = `http://127.0.0.1:${port}`;
  }
  delete template.macros;
  delete template.startPort;
  return template as RenderedConfig;
}
