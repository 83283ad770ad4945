// When a request really left: undici publishes `undici:client:sendHeaders` right before it writes the
// request to the socket. Timing from that moment keeps the client's own work (building the request,
// the pool handing out a connection) out of the server's TTFT and E2E and puts it in the schedule lag,
// where it belongs. Requests are matched through `undici:request:create`, which undici publishes
// synchronously while we dispatch, so no other request can take our slot in between.
import diagnostics from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';

type OnSent = (at: number) => void;

const onSentByRequest = new WeakMap<object, OnSent>();
let pending: OnSent | undefined;
let subscribed = false;

function subscribe(): void {
  if (subscribed) return;
  subscribed = true;
  diagnostics.subscribe('undici:request:create', (message) => {
    if (!pending) return;
    onSentByRequest.set((message as { request: object }).request, pending);
    pending = undefined;
  });
  diagnostics.subscribe('undici:client:sendHeaders', (message) => {
    const request = (message as { request: object }).request;
    const onSent = onSentByRequest.get(request);
    if (!onSent) return;
    onSentByRequest.delete(request);
    onSent(performance.now());
  });
}

/** Runs `dispatch` (which must create exactly one undici request synchronously) and reports when that
 * request is written to the socket. If it is not created synchronously (queued in a full pool), no
 * time is reported and the caller keeps its own estimate. */
export function dispatchWithSendTime<T>(onSent: OnSent, dispatch: () => T): T {
  subscribe();
  pending = onSent;
  try {
    return dispatch();
  } finally {
    pending = undefined;
  }
}
