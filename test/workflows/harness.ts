// Shared setup for workflow tests: a real Temporal dev server (the Temporal CLI, installed by
// deploy/setup/install-temporal.sh) and a client. Each test file gets its own server on free ports.
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { ensureTool } from '../support/tools.js';
import { startDevServer, type DevServer } from '../../client/temporal/dev-server.js';
import type { TemporalTarget } from '../../workers/temporal-target.js';

export interface Harness {
  server: DevServer;
  client: Client;
  connection: Connection;
  target: TemporalTarget;
  close(): Promise<void>;
}

export async function startHarness(dbFile?: string): Promise<Harness> {
  // In-process workers log every state change at INFO; tests keep warnings and errors only.
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed in this process
  }
  const server = await startDevServer({ temporalPath: ensureTool('temporal'), uiPort: false, ...(dbFile ? { dbFile } : {}) });
  // Several dev servers start at once when test files run in parallel on 2 cores; the SDK's default
  // 10 s connect deadline is too tight for that, not for a healthy server.
  const connection = await Connection.connect({ address: server.address, connectTimeout: '60s' });
  const client = new Client({ connection, namespace: 'default' });
  const target: TemporalTarget = { address: server.address, namespace: 'default', connectionOptions: { address: server.address } };
  return {
    server,
    client,
    connection,
    target,
    async close() {
      await connection.close();
      await server.stop();
    },
  };
}
