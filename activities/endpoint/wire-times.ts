// Times taken where undici meets the wire, not where our code gets to run. undici publishes diagnostics
// events synchronously as it finishes writing a request (`undici:request:bodySent`), parses the response headers
// (`undici:request:headers`) and parses each body chunk (`undici:request:bodyChunkReceived`). Our own
// code sees the same moments later: after a promise resolves, or when a stream listener runs — and a
// chunk that arrived together with the headers waits in the body stream until we have attached to it.
// Measuring here keeps that client-side delay out of TTFB, TTFT and every inter-token gap.
// Requests are matched by a request-id header we add (undici may create its request object later than
// our dispatch call — e.g. when a pooled connection is just being released — so "the next request
// created" is not reliable). Servers ignore the header.
import diagnostics from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';

export class WireTimes {
  /** When the whole request had been written to the socket. */
  sentAt: number | undefined;
  /** When the response headers were parsed. */
  headersAt: number | undefined;
  private readonly chunkTimes: number[] = [];
  private head = 0;

  constructor(private readonly recordChunks: boolean) {}

  /** @internal */
  chunkReceived(at: number): void {
    if (this.recordChunks) this.chunkTimes.push(at);
  }

  /** Arrival time of the next body chunk in order (undici hands chunks to the stream one to one), or
   * `fallback` if none was observed. */
  nextChunkAt(fallback: number): number {
    const at = this.chunkTimes[this.head];
    if (at === undefined) return fallback;
    this.head++;
    if (this.head === this.chunkTimes.length) {
      this.chunkTimes.length = 0;
      this.head = 0;
    }
    return at;
  }
}

export const REQUEST_ID_HEADER = 'x-nightshift-request';

const byRequest = new WeakMap<object, WireTimes>();
const waiting = new Map<string, WireTimes>();
let nextId = 0;
let subscribed = false;

function requestIdOf(request: { headers?: unknown }): string | undefined {
  const headers = request.headers;
  if (!Array.isArray(headers)) return undefined;
  // Flat [name, value, name, value, …]; ours is added last, so search from the end.
  for (let i = headers.length - 2; i >= 0; i -= 2) {
    if (headers[i] === REQUEST_ID_HEADER) return String(headers[i + 1]);
  }
  return undefined;
}

function subscribe(): void {
  if (subscribed) return;
  subscribed = true;
  diagnostics.subscribe('undici:request:create', (message) => {
    if (waiting.size === 0) return;
    const request = (message as { request: { headers?: unknown } }).request;
    const id = requestIdOf(request);
    if (id === undefined) return;
    const times = waiting.get(id);
    if (!times) return;
    waiting.delete(id);
    byRequest.set(request, times);
  });
  // bodySent, not sendHeaders: the server cannot start before the whole request is out, and the time
  // undici takes to write it is the client's own.
  diagnostics.subscribe('undici:request:bodySent', (message) => {
    const times = byRequest.get((message as { request: object }).request);
    if (times) times.sentAt = performance.now();
  });
  diagnostics.subscribe('undici:request:headers', (message) => {
    const times = byRequest.get((message as { request: object }).request);
    if (times) times.headersAt = performance.now();
  });
  diagnostics.subscribe('undici:request:bodyChunkReceived', (message) => {
    byRequest.get((message as { request: object }).request)?.chunkReceived(performance.now());
  });
}

/** Observes one request: returns the header to send with it; `times` fills in as the request goes out
 * and its response comes in. Call `release()` when the request has ended (however it ended). */
export function observeRequest(times: WireTimes): { header: Record<string, string>; release: () => void } {
  subscribe();
  const id = String(++nextId);
  waiting.set(id, times);
  return { header: { [REQUEST_ID_HEADER]: id }, release: () => void waiting.delete(id) };
}
