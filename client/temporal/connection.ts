// The CLI's Temporal client, from the same standard environment configuration the workers use. Only
// @temporalio/client: a CLI call never loads the worker SDK or its native bridge.
import { Client, Connection } from '@temporalio/client';
import { clientConnectionOptions, temporalTarget, unreachable, type TemporalTarget } from '../../workers/temporal-target.js';

export async function openClient(target: TemporalTarget = temporalTarget()): Promise<{ client: Client; target: TemporalTarget; close: () => Promise<void> }> {
  const connection = await Connection.connect(clientConnectionOptions(target)).catch((error: unknown) => {
    throw unreachable(target, error);
  });
  const client = new Client({ connection, namespace: target.namespace });
  return { client, target, close: () => connection.close() };
}

/** Web UI link for a workflow (the dev server's UI; TEMPORAL_UI_URL overrides for other servers). */
export function webUiLink(uiBase: string | undefined, namespace: string, workflowId?: string): string | undefined {
  const base = process.env.TEMPORAL_UI_URL ?? uiBase;
  if (!base) return undefined;
  const root = `${base.replace(/\/+$/, '')}/namespaces/${encodeURIComponent(namespace)}/workflows`;
  return workflowId ? `${root}/${encodeURIComponent(workflowId)}` : root;
}
