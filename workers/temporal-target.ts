// Which Temporal server and namespace, from Temporal's standard environment configuration
// (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_*, TEMPORAL_PROFILE and the
// temporal.toml profile file), so workers and the CLI reach the server the `temporal` CLI does. Plain
// data from @temporalio/envconfig: the CLI reads it without loading the worker SDK.
import { NightshiftError } from '../activities/errors.js';
import type { ConnectionOptions } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';

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

/** What @temporalio/client's Connection.connect takes for this target (address, API key, TLS, metadata). */
export function clientConnectionOptions(target: TemporalTarget): ConnectionOptions {
  const { address, apiKey, tls, metadata } = target.connectionOptions;
  return { address, ...(apiKey ? { apiKey } : {}), ...(tls !== undefined ? { tls } : {}), ...(metadata ? { metadata } : {}) };
}

/** The native bridge reports a refused connection as a transport error several lines long; a person
 * needs the address, how to change it, and how to start a server. */
export function unreachable(target: TemporalTarget, error: unknown): NightshiftError {
  const text = error instanceof Error ? error.message : String(error);
  // The native bridge's text is a Rust debug dump; its OS message ("Connection refused") is what matters.
  const first = /message: "([^"]+)"/.exec(text)?.[1] ?? text.split('\n')[0] ?? '';
  return new NightshiftError(`cannot reach the Temporal server at ${target.address} (set TEMPORAL_ADDRESS or --address, or start one with \`nightshift dev\`): ${first}`, { cause: error });
}
