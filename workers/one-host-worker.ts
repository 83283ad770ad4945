// A host runs one eval at a time: two host workers polling one host queue would run host activities in
// parallel, and their model swaps would cut each other's requests. A host worker therefore refuses to
// start while another one polls its queue, and says which one.
import { hostname } from 'node:os';
import type { Client } from '@temporalio/client';
import { InputError } from '../activities/errors.js';
import { activityPollers } from '../activities/sweep/temporal-ops.js';

/** A poller the server saw this recently is alive (a live worker long-polls, up to about a minute). */
const ALIVE_WITHIN_MS = 70_000;

export async function refuseSecondHostWorker(client: Client, namespace: string, hostQueue: string, identity: string): Promise<void> {
  const others = (await activityPollers(client, namespace, hostQueue)).filter(
    (p) => p.identity !== identity && p.lastSeenMs < ALIVE_WITHIN_MS && !isDeadLocalWorker(p.identity),
  );
  if (others.length === 0) return;
  throw new InputError(
    `another host worker (${others.map((o) => o.identity).join(', ')}) polls host queue "${hostQueue}"; a host runs one eval at a time. ` +
      'Stop that worker, or start this one with another --host-queue (a worker that is gone drops off the server\'s list within about a minute)',
  );
}

// Worker identities are "<pid>@<hostname>": a worker of this machine whose process is gone (killed, then
// restarted here) is not a second worker.
function isDeadLocalWorker(identity: string): boolean {
  const m = /^(\d+)@(.+)$/.exec(identity);
  if (!m || m[2] !== hostname()) return false;
  try {
    process.kill(Number(m[1]), 0);
    return false;
  } catch {
    return true;
  }
}

/** Two host workers that start at the same moment both pass the check above: neither polls yet. Once this
 * one polls (its identity is on the server's list), look again. Of two live workers the one whose identity
 * sorts last gives way, so exactly one remains whichever looks first. Resolves to the worker this one must
 * give way to, or undefined. */
export async function yieldToSimultaneousWorker(
  client: Client,
  namespace: string,
  hostQueue: string,
  identity: string,
  options: { timeoutMs?: number; intervalMs?: number; signal?: AbortSignal } = {},
): Promise<string | undefined> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (Date.now() < deadline && options.signal?.aborted !== true) {
    const pollers = await activityPollers(client, namespace, hostQueue);
    if (pollers.some((p) => p.identity === identity)) {
      const earlier = pollers.filter((p) => p.identity !== identity && p.lastSeenMs < ALIVE_WITHIN_MS && !isDeadLocalWorker(p.identity) && p.identity < identity);
      return earlier[0]?.identity;
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 500));
  }
  return undefined;
}
