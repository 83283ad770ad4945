// Retry with exponential backoff and jitter for transient hub failures (429 rate limits, 5xx, dropped
// connections). Everything else fails at once: retrying a 401 only delays the message the user needs.

export interface RetryOptions {
  /** Attempts in total, first one included. */
  attempts: number;
  /** Delay before the second attempt; doubles each time, with up to 50% jitter, capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Called before each wait, e.g. to log "retrying in 2 s after HTTP 503". */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 5, baseDelayMs: 1_000, maxDelayMs: 30_000 };

export async function withRetry<T>(
  work: () => Promise<T>,
  isTransient: (error: unknown) => boolean,
  options: RetryOptions = DEFAULT_RETRY,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= options.attempts || !isTransient(error)) throw error;
      const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
      const delay = Math.round(exponential * (1 + Math.random() * 0.5));
      options.onRetry?.(error, attempt, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
