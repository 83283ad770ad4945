// Every timeout and retry policy of a sweep, in one place, each with the reason for its value. Workflows
// use these; the heartbeat timing (shared/heartbeat-timing.ts) is chosen against the suites' heartbeat timeout.
import { ActivityCancellationType, type ActivityOptions, type RetryPolicy } from '@temporalio/workflow';

/** Bad input and configuration never get better by retrying; these error types stop retries at once. */
export const NON_RETRYABLE = ['InputError', 'ConfigError', 'SchemaError'];

/** Transient faults (model server restarting, socket reset) usually clear within seconds to a minute;
 * backoff 2 s → 60 s keeps a crashed server from being hammered while it restarts. */
const transientRetry: RetryPolicy = {
  initialInterval: '2s',
  backoffCoefficient: 2,
  maximumInterval: '60s',
  nonRetryableErrorTypes: NON_RETRYABLE,
};

// Host activities that talk to the model server wait for their cancellation to complete
// (WAIT_CANCELLATION_COMPLETED): skip and cancel then record a pair's state, and release the model, only
// after the suite's requests or process group have really stopped — not while they still load the server.

/** A host activity waits at most `hostPickupSeconds` (input, default 15 min) for the host worker to pick it
 * up. Sweeps on one host run one after another (the host lease), so nothing else holds the host worker for
 * long; waiting longer means no worker polls the host queue, and the pair fails saying so instead of
 * waiting forever (a schedule-to-start timeout is never retried). */
export function hostPickup(seconds: number): Pick<ActivityOptions, 'scheduleToStartTimeout'> {
  return { scheduleToStartTimeout: `${seconds}s` };
}

/** Host activities heartbeat on a timer every few seconds whatever they wait on (activities/sweep/
 * keep-alive.ts), so silence means the worker is gone; the sweep's `heartbeatTimeoutSeconds` says how long
 * that may last before the activity is retried elsewhere — for loads, warm-ups and releases as for suites.
 * LOAD, WARM_UP and RELEASE carry 1 min for callers without a sweep input. */
export function hostHeartbeat(seconds: number): Pick<ActivityOptions, 'heartbeatTimeout'> {
  return { heartbeatTimeout: `${seconds}s` };
}

/** Loading a model through llama-swap can take minutes for a 70B model from a cold disk; a load that
 * has not finished in 20 min is stuck. Heartbeats while it waits, so a dead worker is noticed within the
 * heartbeat timeout instead of at the 20 min mark. 5 attempts: a load fails mostly when memory is still held by
 * the previous model, which frees up on its own. */
export const LOAD: ActivityOptions = {
  startToCloseTimeout: '20m',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  heartbeatTimeout: '1m',
  retry: { ...transientRetry, maximumAttempts: 5 },
};

/** Warm-up is one short request plus host detection: minutes at most even on a slow first token. */
export const WARM_UP: ActivityOptions = {
  startToCloseTimeout: '10m',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  heartbeatTimeout: '1m',
  retry: { ...transientRetry, maximumAttempts: 5 },
};

/** Suites run for hours (lm-eval on a big model overnight), so startToClose is generous; the heartbeat
 * timeout (input `heartbeatTimeoutSeconds`, default 2 min) is what notices a dead worker. The activity
 * heartbeats every sample and on a timer every few seconds, and the worker's maxHeartbeatThrottleInterval
 * (5 s) keeps sends far inside it. maximumAttempts comes from the sweep input (`suiteAttempts`, default 3);
 * resume from the journal makes retries cheap. */
export function suiteOptions(attempts: number, heartbeatTimeoutSeconds = 120): ActivityOptions {
  return {
    startToCloseTimeout: '12h',
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    heartbeatTimeout: `${heartbeatTimeoutSeconds}s`,
    retry: { ...transientRetry, initialInterval: '5s', maximumAttempts: attempts },
  };
}

/** Convert + validate + publish writes one parquet file: seconds. Retried more because a publish that
 * failed on a full disk or a hub hiccup is worth several tries, and it is idempotent (hash-named shard).
 * It heartbeats on a timer, so an orchestration worker killed mid-publish costs 30 s, not the 5 min bound. */
export const PUBLISH: ActivityOptions = {
  startToCloseTimeout: '5m',
  heartbeatTimeout: '30s',
  retry: { ...transientRetry, maximumAttempts: 6 },
};

/** Final snapshot + unload: quick; failing to unload must not fail the model, so few attempts. */
export const RELEASE: ActivityOptions = {
  startToCloseTimeout: '5m',
  heartbeatTimeout: '1m',
  retry: { ...transientRetry, maximumAttempts: 3 },
};

/** The early input check reads the suites' config files on the orchestration worker: seconds at most. */
export const CHECK: ActivityOptions = {
  startToCloseTimeout: '2m',
  retry: { ...transientRetry, maximumAttempts: 5 },
};

/** Asking the lease workflow for the host (a signal-with-start) or whether its holder still runs: a
 * server round trip. */
export const LEASE: ActivityOptions = {
  startToCloseTimeout: '1m',
  retry: { ...transientRetry, maximumAttempts: 10 },
};

/** Asking the server who polls a queue: a few seconds (it asks again for ~6 s before saying nobody does). */
export const POLLERS: ActivityOptions = {
  startToCloseTimeout: '1m',
  retry: { ...transientRetry, maximumAttempts: 5 },
};

/** Asking the orchestration worker for its defaults is local and instant. */
export const ENVIRONMENT: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { ...transientRetry, maximumAttempts: 10 },
};
