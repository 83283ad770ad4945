// Typed failures of a request to a model endpoint. Every failure carries a short, stable `errorClass`
// (recorded per request by the load generator and counted in results) and, where the server said why,
// the server's own message, so a sweep log reads "429 rate_limited: too many requests" rather than
// "fetch failed".
import { NightshiftError } from '../errors.js';
import type { RequestRecord } from './request-record.js';

export const ENDPOINT_ERROR_CLASSES = [
  /** Could not connect at all (refused, unknown host, connect timeout): the server is not there. */
  'model_endpoint_unreachable',
  /** HTTP 429: the server (or llama-swap's concurrencyLimit) refused for load. */
  'rate_limited',
  /** Other HTTP 4xx: the request was wrong (unknown model, bad parameters). */
  'http_client_error',
  /** HTTP 5xx, or an error object sent inside a 200 stream. */
  'http_server_error',
  /** The SSE stream or JSON body could not be understood. */
  'malformed_response',
  /** The response grew past the configured size cap; reading stopped there. */
  'response_too_large',
  /** The connection closed before the response was complete (no [DONE], no finish_reason). */
  'connection_lost',
  /** The per-request timeout elapsed (e.g. a stream that never ends). */
  'timeout',
  /** The caller aborted (cancellation). */
  'aborted',
] as const;
export type EndpointErrorClass = (typeof ENDPOINT_ERROR_CLASSES)[number];

export class EndpointError extends NightshiftError {
  readonly errorClass: EndpointErrorClass;
  readonly status: number | undefined;
  /** What the server said, verbatim (trimmed), when it said anything. */
  readonly serverMessage: string | undefined;
  /** Timing of the failed request up to the failure, for load-generation statistics. */
  record: RequestRecord | undefined;

  constructor(
    errorClass: EndpointErrorClass,
    message: string,
    options: { status?: number; serverMessage?: string; cause?: unknown } = {},
  ) {
    super(`${errorClass}: ${message}`, { cause: options.cause });
    this.errorClass = errorClass;
    this.status = options.status;
    this.serverMessage = options.serverMessage;
  }
}

export function errorClassForStatus(status: number): EndpointErrorClass {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'http_server_error';
  return 'http_client_error';
}

// Connection-level error codes that mean "nothing is listening / reachable there".
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Finds a Node/undici error code on an error or anywhere in its cause chain (AggregateError too). */
export function findErrorCode(error: unknown, codes: ReadonlySet<string> = UNREACHABLE_CODES): string | undefined {
  const seen = new Set<unknown>();
  const stack: unknown[] = [error];
  while (stack.length > 0) {
    const e = stack.pop();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && codes.has(code)) return code;
    stack.push((e as { cause?: unknown }).cause);
    const inner = (e as { errors?: unknown }).errors;
    if (Array.isArray(inner)) stack.push(...(inner as unknown[]));
  }
  return undefined;
}

export function isUnreachable(error: unknown): boolean {
  return findErrorCode(error) !== undefined;
}
