// The workers' connections to the server named by the standard environment configuration
// (temporal-target.ts): the native connection the workers poll with, and a client connection for the
// operator calls they make at start (search attributes).
import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { clientConnectionOptions, temporalTarget, unreachable, type TemporalTarget } from './temporal-target.js';

export async function connectWorker(target: TemporalTarget = temporalTarget()): Promise<NativeConnection> {
  return NativeConnection.connect(target.connectionOptions).catch((error: unknown) => {
    throw unreachable(target, error);
  });
}

export async function connectClient(target: TemporalTarget = temporalTarget()): Promise<Connection> {
  return Connection.connect(clientConnectionOptions(target)).catch((error: unknown) => {
    throw unreachable(target, error);
  });
}
