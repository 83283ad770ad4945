// hostLease: one per host queue (id `nightshift-host-lease/<host queue>`), so sweeps that target the same
// inference host run one after another instead of alternating activity by activity (which swaps the model
// before nearly every suite and makes each measure the other). A sweep asks for the lease (an activity
// signal-with-starts this workflow), waits for `leaseGranted`, and signals `releaseLease` when it ends.
// Waiting sweeps are told their place in the queue. A holder that ended without releasing (terminated,
// timed out) is noticed — checked while others wait — and the lease passes on. Idle for a while, the lease
// workflow ends; the next request starts it again.
import {
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { SweepActivities } from '../activities/sweep/activities.js';
import { leaseGrantedSignal, leasePositionSignal, leaseStateQuery, ORCHESTRATION_QUEUE, releaseLeaseSignal, requestLeaseSignal, type LeaseState } from './definitions.js';
import { LEASE } from './policies.js';

const { workflowIsOpen } = proxyActivities<SweepActivities>({ ...LEASE, taskQueue: ORCHESTRATION_QUEUE });

/** While others wait, how often the holder is checked for being alive. */
const HOLDER_CHECK_INTERVAL = '2m';
/** With nobody holding or waiting for this long, the lease workflow ends. */
const IDLE_END = '10m';
/** Grants after which the lease continues as new, keeping its history short. */
const GRANTS_PER_RUN = 200;

export interface HostLeaseInput {
  hostQueue: string;
  /** Carried over by continue-as-new. */
  state?: LeaseState;
}

export async function hostLease(input: HostLeaseInput): Promise<void> {
  const state: LeaseState = { hostQueue: input.hostQueue, waiting: [...(input.state?.waiting ?? [])], ...(input.state?.holder ? { holder: input.state.holder } : {}) };
  let changed = true;
  setHandler(leaseStateQuery, () => state);
  setHandler(requestLeaseSignal, ({ holder }) => {
    if (state.holder !== holder && !state.waiting.includes(holder)) state.waiting.push(holder);
    changed = true;
  });
  setHandler(releaseLeaseSignal, ({ holder }) => {
    if (state.holder === holder) delete state.holder;
    state.waiting = state.waiting.filter((w) => w !== holder);
    changed = true;
  });

  let grants = 0;
  for (;;) {
    if (state.holder === undefined && state.waiting.length > 0) {
      const next = state.waiting.shift() as string;
      state.holder = next;
      grants++;
      try {
        await getExternalWorkflowHandle(next).signal(leaseGrantedSignal, { hostQueue: state.hostQueue });
      } catch {
        // The sweep is gone (cancelled or terminated while it waited): the lease goes to the next one.
        delete state.holder;
        continue;
      }
      await tellPositions(state);
    }
    if (changed) {
      changed = false;
      await tellPositions(state);
    }
    if (state.holder === undefined && state.waiting.length === 0) {
      // Idle: end after a while unless someone asks meanwhile (a request arriving now is never lost:
      // it wakes this condition before the workflow could complete).
      if (!(await condition(() => changed, IDLE_END))) return;
      continue;
    }
    if (grants >= GRANTS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof hostLease>({ hostQueue: state.hostQueue, state });
    }
    const wake = () => changed || (state.holder === undefined && state.waiting.length > 0);
    if (state.waiting.length === 0) {
      await condition(wake);
      continue;
    }
    if (!(await condition(wake, HOLDER_CHECK_INTERVAL)) && state.holder !== undefined && !(await workflowIsOpen(state.holder))) {
      // The holder ended without releasing (terminated, timed out): the next sweep may go.
      delete state.holder;
      changed = true;
    }
  }
}

async function tellPositions(state: LeaseState): Promise<void> {
  await Promise.all(
    state.waiting.map((waiter, i) =>
      getExternalWorkflowHandle(waiter)
        .signal(leasePositionSignal, { hostQueue: state.hostQueue, position: i + 1, ...(state.holder ? { holder: state.holder } : {}) })
        .catch(() => undefined),
    ),
  );
}
