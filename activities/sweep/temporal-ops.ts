// The sweep's own calls to the Temporal server, made from the orchestration worker: ask the host lease for
// the host (signal-with-start, which workflow code cannot do), see whether a workflow still runs (the lease
// checks its holder), and which workers poll a host queue (the early check refuses a sweep nobody would run).
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import protos from '@temporalio/proto';
import type { hostLease } from '../../workflows/host-lease.js';
import { HOST_LEASE_TYPE, hostLeaseId, ORCHESTRATION_QUEUE, requestLeaseSignal } from '../../workflows/definitions.js';

export async function requestHostLease(client: Client, request: { hostQueue: string; holder: string }): Promise<void> {
  await client.workflow.signalWithStart<typeof hostLease, [{ holder: string }]>(HOST_LEASE_TYPE, {
    workflowId: hostLeaseId(request.hostQueue),
    taskQueue: ORCHESTRATION_QUEUE,
    args: [{ hostQueue: request.hostQueue }],
    signal: requestLeaseSignal,
    signalArgs: [{ holder: request.holder }],
    staticSummary: `lease of host queue ${request.hostQueue}`,
  });
}

export async function workflowIsOpen(client: Client, workflowId: string): Promise<boolean> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name === 'RUNNING';
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

// The proto package is CommonJS: its enums come through the default export.
const { TaskQueueKind, TaskQueueType } = protos.temporal.api.enums.v1;

export interface Poller {
  identity: string;
  /** Milliseconds since the server last saw it poll. */
  lastSeenMs: number;
}

/** Workers that polled `queue` for activities recently (the server keeps the last few minutes). */
export async function activityPollers(client: Client, namespace: string, queue: string, now = Date.now()): Promise<Poller[]> {
  const response = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: queue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
  });
  return response.pollers.map((p) => ({
    identity: p.identity || 'unknown worker',
    lastSeenMs: p.lastAccessTime?.seconds ? now - Number(p.lastAccessTime.seconds) * 1000 : 0,
  }));
}
