// What the client measured about one request. All times are milliseconds on the monotonic
// `performance.now()` clock of this process (never wall-clock, which can jump), so differences between
// them are exact. Inter-token gaps are not kept as an array: the caller gets each gap through
// `onTokenGap` (a load generator records it straight into a histogram) and the record keeps only their
// count, sum and maximum — memory stays constant however long the reply is.
import type { EndpointErrorClass } from './errors.js';

export interface RequestRecord {
  /** When the schedule wanted the request sent (equals sentAt when no schedule was given). */
  intendedSendAt: number;
  /** When the whole request had been written to the socket (undici's bodySent), or, if that was not
   * observed, when it was handed to the connection pool. TTFT, TTFB and E2E count from here. */
  sentAt: number;
  /** When the response status and headers arrived (parsed by undici). */
  firstByteAt?: number;
  /** When the first generated token arrived: content, reasoning or tool-call text. */
  firstTokenAt?: number;
  /** When the first visible content token arrived (after any reasoning). */
  firstContentAt?: number;
  /** When the response ended (completely, or by failure). */
  endAt: number;
  /** Chunks that carried generated text; each is one token on the servers we target. */
  tokenChunks: number;
  gapCount: number;
  gapSumMs: number;
  gapMaxMs: number;
  /** From the server's usage when it sent one; otherwise an estimate and `tokensEstimated` is true. */
  promptTokens?: number;
  completionTokens?: number;
  tokensEstimated: boolean;
  finishReason?: string;
  status?: number;
  errorClass?: EndpointErrorClass;
}

export function emptyRecord(intendedSendAt: number, sentAt: number): RequestRecord {
  return {
    intendedSendAt,
    sentAt,
    endAt: sentAt,
    tokenChunks: 0,
    gapCount: 0,
    gapSumMs: 0,
    gapMaxMs: 0,
    tokensEstimated: false,
  };
}

/** Derived per-request figures; undefined where the request did not get that far. */
export function timeToFirstTokenMs(r: RequestRecord): number | undefined {
  return r.firstTokenAt === undefined ? undefined : r.firstTokenAt - r.sentAt;
}

export function endToEndMs(r: RequestRecord): number {
  return r.endAt - r.sentAt;
}

/** Decode speed excluding the first token: (completion tokens − 1) over the time after the first token. */
export function decodeTokensPerSecond(r: RequestRecord): number | undefined {
  if (r.firstTokenAt === undefined || r.completionTokens === undefined || r.completionTokens < 2) return undefined;
  const ms = r.endAt - r.firstTokenAt;
  return ms > 0 ? ((r.completionTokens - 1) * 1000) / ms : undefined;
}

/** Prefill speed: prompt tokens over the time to first token. */
export function prefillTokensPerSecond(r: RequestRecord): number | undefined {
  const ttft = timeToFirstTokenMs(r);
  if (ttft === undefined || ttft <= 0 || r.promptTokens === undefined) return undefined;
  return (r.promptTokens * 1000) / ttft;
}

export function scheduleLagMs(r: RequestRecord): number {
  return r.sentAt - r.intendedSendAt;
}
