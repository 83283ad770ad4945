// What the client measured about one request. All times are milliseconds on the monotonic
// `performance.now()` clock of this process (never wall-clock, which can jump), so differences between
// them are exact. Inter-chunk gaps are not kept as an array: the caller gets each gap through
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
  /** When the last generated token arrived (the read that carried it). */
  lastTokenAt?: number;
  /** When the first visible content token arrived (after any reasoning). */
  firstContentAt?: number;
  /** When the response ended (completely, or by failure). */
  endAt: number;
  /** Network reads (after SSE parsing) that carried generated text. A read may carry several tokens. */
  tokenChunks: number;
  /** Gaps between consecutive token-carrying reads: count, sum and largest, in ms. */
  gapCount: number;
  gapSumMs: number;
  gapMaxMs: number;
  /** From the server's usage when it sent one; otherwise an estimate and `tokensEstimated` is true. */
  promptTokens?: number;
  completionTokens?: number;
  tokensEstimated: boolean;
  /** The server's own prompt-processing time and the prompt tokens it processed for it (llama.cpp
   * `timings.prompt_ms` / `prompt_n`: tokens served from its prompt cache are not in prompt_n). */
  serverPromptMs?: number;
  serverPromptTokens?: number;
  /** Times the request was sent again on a new connection because its first connection failed before
   * any response byte (0 or 1): the server had closed a kept-alive connection we were reusing. */
  connectionRetries: number;
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
    connectionRetries: 0,
  };
}

/** Derived per-request figures; undefined where the request did not get that far. */
export function timeToFirstTokenMs(r: RequestRecord): number | undefined {
  return r.firstTokenAt === undefined ? undefined : r.firstTokenAt - r.sentAt;
}

export function endToEndMs(r: RequestRecord): number {
  return r.endAt - r.sentAt;
}

/** Inter-token latency of one request: (last token time − first token time) ÷ (completion tokens − 1),
 * with the server's token count. Unlike the gaps between network reads, several tokens arriving in one
 * read do not count as zero-length gaps. */
export function interTokenLatencyMs(r: RequestRecord): number | undefined {
  if (r.firstTokenAt === undefined || r.completionTokens === undefined || r.completionTokens < 2) return undefined;
  const span = (r.lastTokenAt ?? r.endAt) - r.firstTokenAt;
  return span > 0 ? span / (r.completionTokens - 1) : undefined;
}

/** Decode speed excluding the first token: (completion tokens − 1) over the time from the first to the
 * last token (1000 ÷ interTokenLatencyMs). */
export function decodeTokensPerSecond(r: RequestRecord): number | undefined {
  const itl = interTokenLatencyMs(r);
  return itl === undefined ? undefined : 1000 / itl;
}

/** Prefill speed: from the server's own prompt timing where it sent one (prompt_n ÷ prompt_ms), else
 * prompt tokens ÷ the client's TTFT (which then also holds any time spent queued). */
export function prefillTokensPerSecond(r: RequestRecord): number | undefined {
  if (r.serverPromptMs !== undefined && r.serverPromptTokens !== undefined) {
    return r.serverPromptMs > 0 && r.serverPromptTokens > 0 ? (r.serverPromptTokens * 1000) / r.serverPromptMs : undefined;
  }
  const ttft = timeToFirstTokenMs(r);
  if (ttft === undefined || ttft <= 0 || r.promptTokens === undefined) return undefined;
  return (r.promptTokens * 1000) / ttft;
}

/** Whether prefillTokensPerSecond came from the server's timings. */
export function prefillFromServer(r: RequestRecord): boolean {
  return r.serverPromptMs !== undefined && r.serverPromptTokens !== undefined;
}

/** Time before the server started on the prompt: client TTFT − the server's prompt_ms, at least 0
 * (network, HTTP handling and waiting for a free slot). Undefined without server timings. */
export function queueMs(r: RequestRecord): number | undefined {
  const ttft = timeToFirstTokenMs(r);
  if (ttft === undefined || r.serverPromptMs === undefined) return undefined;
  return Math.max(0, ttft - r.serverPromptMs);
}

export function scheduleLagMs(r: RequestRecord): number {
  return r.sentAt - r.intendedSendAt;
}
