// Kept-alive connections go stale. llama-server announces `Keep-Alive: timeout=5, max=100` yet closes the
// connection right after every streamed reply, and a request written to that socket before its FIN is read
// fails without a byte of response. So the client (openai-client.ts) (a) sends a request that failed
// before any response byte once more, on a new connection of its own — a chat completion changes nothing
// on the server, and one that got no response was not served — and counts that retry on the request's
// record; (b) once a server is seen closing the connection after a streamed reply, asks for
// `Connection: close` on later streamed requests, so none is ever written to a connection the server is
// about to close. undici itself already honours a `Connection: close` the server sends.
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { findErrorCode } from './errors.js';

/** A server FIN this soon after a streamed reply is the server closing after the reply, not its idle
 * timer: the idle timeouts of the servers we target are 5 s or more (llama.cpp, uvicorn/vLLM). */
const CLOSE_AFTER_STREAM_WINDOW_MS = 1_000;
/** Socket errors of a connection that died under a request before any response byte came back. */
const STALE_CONNECTION_CODES: ReadonlySet<string> = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

/** Whether `error` is the connection dying (rather than a refusal, a timeout or a bad request). */
export function diedBeforeResponse(error: unknown): boolean {
  return findErrorCode(error, STALE_CONNECTION_CODES) !== undefined;
}

/**
 * Notices a server that closes the connection after each streamed reply although it announced
 * keep-alive: a FIN on a connection soon after a streamed reply ended on it, or a request that failed on
 * a reused connection before any response byte.
 */
export class CloseAfterStreams {
  seen = false;
  private readonly lastStreamEnd = new WeakMap<Socket, number>();

  watch(socket: Socket | undefined): void {
    if (!socket || this.seen) return;
    if (socket.readableEnded) {
      this.seen = true;
      return;
    }
    const first = !this.lastStreamEnd.has(socket);
    this.lastStreamEnd.set(socket, performance.now());
    // One listener per connection, however many replies it carries.
    if (first) {
      socket.once('end', () => {
        const endedAt = this.lastStreamEnd.get(socket);
        if (endedAt !== undefined && performance.now() - endedAt < CLOSE_AFTER_STREAM_WINDOW_MS) this.seen = true;
      });
    }
  }

  noteStaleReuse(): void {
    this.seen = true;
  }
}
