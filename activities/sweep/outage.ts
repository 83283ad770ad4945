// A model server that goes away for a while (a crash and restart, llama-swap restarting, a reboot of the
// inference box) should cost a suite a pause, not an attempt. When a suite fails and its endpoint does not
// answer at all, the suite activity waits for the endpoint to come back — up to the sweep's outage
// tolerance, heartbeating meanwhile — and runs the suite again, which resumes from its journal. An
// endpoint that answers means the failure was real: it is reported as it is.
import { request } from 'undici';

/** How long one probe waits for any answer. */
const PROBE_TIMEOUT_MS = 5_000;

/** Whether anything answers HTTP at the endpoint (any status counts: the server is there). */
export async function endpointAnswers(endpoint: string, signal?: AbortSignal): Promise<boolean> {
  const url = `${new URL(endpoint).origin}/v1/models`;
  try {
    const res = await request(url, { method: 'GET', headersTimeout: PROBE_TIMEOUT_MS, bodyTimeout: PROBE_TIMEOUT_MS, ...(signal ? { signal } : {}) });
    await res.body.dump();
    return true;
  } catch {
    return false;
  }
}

/**
 * Waits until the endpoint answers again, probing with a backoff (2 s doubling to 30 s). Resolves with
 * the seconds waited, or undefined when `budgetMs` ran out or `signal` aborted first.
 */
export async function waitForEndpoint(endpoint: string, budgetMs: number, signal: AbortSignal): Promise<number | undefined> {
  const started = Date.now();
  let delay = 2_000;
  if (signal.aborted) return undefined;
  while (Date.now() - started < budgetMs) {
    const wait = Math.min(delay, Math.max(0, budgetMs - (Date.now() - started)));
    if (await sleepUnlessAborted(wait, signal)) return undefined;
    if (await endpointAnswers(endpoint, signal)) return Math.round((Date.now() - started) / 1000);
    delay = Math.min(delay * 2, 30_000);
  }
  return undefined;
}

/** Sleeps `ms`; resolves true when `signal` aborted first. */
function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(false);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
