// How often a suite activity heartbeats, shared by the worker (SDK throttle) and the suite activity (its
// own timer), both chosen against the suites' heartbeat timeout (workflows/policies.ts, default 2 min).

/** Worker side: heartbeats reach the server at least this often (the SDK's default, min(0.8 × heartbeat
 * timeout, 60 s), is 60 s for suites: too close to the 2 min timeout under load). */
export const MAX_HEARTBEAT_THROTTLE = '5s';

/** The suite activity re-sends its last heartbeat this often even when no sample finished, so a
 * cancellation reaches a suite stuck in one long request within seconds. */
export const HEARTBEAT_TICK_MS = 3_000;
