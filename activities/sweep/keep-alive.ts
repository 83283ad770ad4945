// An activity that waits on something slow it cannot report progress for (llama-swap starting a model, a
// first token on a cold 70B model, a parquet write) heartbeats on a timer, so the heartbeat timeout
// measures "the worker is gone", not "this step is slow": a killed worker is noticed within the timeout
// and a cancellation reaches the activity within seconds.
import { Context } from '@temporalio/activity';
import { HEARTBEAT_TICK_MS } from '../../workflows/shared/heartbeat-timing.js';

export async function heartbeatWhile<T>(details: unknown, work: () => Promise<T>): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat(details);
  const timer = setInterval(() => ctx.heartbeat(details), HEARTBEAT_TICK_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
