// Worker settings: the host queue's default name and the options both workers share.
import { hostname } from 'node:os';
import { MAX_HEARTBEAT_THROTTLE } from '../workflows/shared/heartbeat-timing.js';

/** The host worker's task queue: named for the inference host, so sweeps can target a machine. */
export function defaultHostQueue(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NIGHTSHIFT_HOST_QUEUE) return env.NIGHTSHIFT_HOST_QUEUE;
  const host = hostname().toLowerCase().replace(/\.local$/, '').replace(/[^a-z0-9.-]+/g, '-');
  return `nightshift-host-${host || 'localhost'}`;
}

export const HOST_WORKER = {
  // One model, one eval at a time: two suites at once would measure each other.
  maxConcurrentActivityTaskExecutions: 1,
  // Heartbeats reach the server at least this often (see workflows/shared/heartbeat-timing.ts).
  maxHeartbeatThrottleInterval: MAX_HEARTBEAT_THROTTLE,
} as const;
