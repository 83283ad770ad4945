// hostSweep: one host of a fleet sweep (fleet-sweep.ts starts one per host, with id `<fleet id>/<host>`).
// The fleet checked the whole input; what only the host's own sweep can find out is whether a worker
// polls its queue: a host that is down fails all its pairs at once with that reason, and the fleet's
// other hosts go on. Otherwise it is the sweep of one host, exactly as a plain sweep runs it.
import { proxyActivities } from '@temporalio/workflow';
import type { SweepActivities } from '../activities/sweep/activities.js';
import { ORCHESTRATION_QUEUE } from './definitions.js';
import { POLLERS } from './policies.js';
import type { SweepResult } from './progress.js';
import { isRecord } from './shared/records.js';
import type { SweepCarry } from './sweep-state.js';
import { runHostSweep } from './sweep-run.js';

const { hostQueuePolled } = proxyActivities<SweepActivities>({ ...POLLERS, taskQueue: ORCHESTRATION_QUEUE });

export async function hostSweep(rawInput: unknown, carried?: SweepCarry): Promise<SweepResult> {
  if (carried !== undefined) return runHostSweep(rawInput, carried);
  const queue = isRecord(rawInput) && typeof rawInput.hostQueue === 'string' ? rawInput.hostQueue : undefined;
  const down = queue !== undefined && !(await hostQueuePolled(queue));
  return runHostSweep(rawInput, undefined, down ? `no worker is polling host queue "${queue}"; start one on that host (nightshift worker --host-only --host-queue ${queue})` : undefined);
}
