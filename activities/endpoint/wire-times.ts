// Times taken where undici meets the wire, not where our code gets to run. undici publishes diagnostics
// events synchronously as it finishes writing a request (`undici:request:bodySent`), parses the response
// headers (`undici:request:headers`) and parses each body chunk (`undici:request:bodyChunkReceived`). Our
// own code sees the same moments later: after a promise resolves, or when a stream listener runs — and a
// chunk that arrived together with the headers waits in the body stream until we have attached to it.
// Taking the time in those events keeps that delay (our code after undici has read the socket) out of
// TTFB, TTFT and every gap. It does not remove event-loop lag: undici reads a socket only when the event
// loop gets to it, so while our process is busy elsewhere (other requests' callbacks, a memory sample,
// garbage collection) data waits in the kernel and its time is taken late. That lag is measured beside
// every cell (monitorEventLoopDelay, activities/suites/perf/event-loop-lag.ts) and a cell where it is
// large against the figures is flagged.
// Requests are matched by a request-id header we add (undici may create its request object later than
// our dispatch call — e.g. when a pooled connection is just being released — so "the next request
// created" is not reliable). Servers ignore the header. The socket a request was written to is kept too
// (`undici:client:sendHeaders`), so the client can tell a reused connection from a new one.
import diagnostics from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export class WireTimes {
  /** When the whole request had been written to the socket. */
  sentAt: number | undefined;
  /** When the response headers were parsed. */
  headersAt: number | undefined;
  /** The connection the request was written to, and whether it had carried an earlier request. */
  socket: Socket | undefined;
  reusedSocket = false;
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
/** Requests written to each connection so far. */
const socketUses = new WeakMap<Socket, number>();
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
  diagnostics.subscribe('undici:client:sendHeaders', (message) => {
    const { request, socket } = message as { request: object; socket: Socket };
    const uses = socketUses.get(socket) ?? 0;
    socketUses.set(socket, uses + 1);
    const times = byRequest.get(request);
    if (!times) return;
    times.socket = socket;
    times.reusedSocket = uses > 0;
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
