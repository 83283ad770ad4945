// Connections from Temporal's standard environment configuration (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
// TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE and the temporal.toml profile file), so a worker and
// the CLI reach the same server the `temporal` CLI does, without Nightshift-specific settings.
import { Connection } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';
import { NativeConnection } from '@temporalio/worker';

export interface TemporalTarget {
  address: string;
  namespace: string;
  connectionOptions: ReturnType<typeof loadClientConnectConfig>['connectionOptions'];
}

export function temporalTarget(env: NodeJS.ProcessEnv = process.env): TemporalTarget {
  const config = loadClientConnectConfig({ overrideEnvVars: env as Record<string, string> });
  const address = config.connectionOptions.address ?? 'localhost:7233';
  return { address, namespace: config.namespace ?? 'default', connectionOptions: { ...config.connectionOptions, address } };
}

export async function connectWorker(target: TemporalTarget = temporalTarget()): Promise<NativeConnection> {
  return NativeConnection.connect(target.connectionOptions);
}

export async function connectClient(target: TemporalTarget = temporalTarget()): Promise<Connection> {
  const { address, apiKey, tls, metadata } = target.connectionOptions;
  return Connection.connect({ address, ...(apiKey ? { apiKey } : {}), ...(tls !== undefined ? { tls } : {}), ...(metadata ? { metadata } : {}) });
}
