// How a perf run ends when requests fail. A request the server rejects as invalid (HTTP 4xx other than
// 429: bad parameters in extra_body, an unknown model, a prompt past the context) fails the same way every
// time, so it becomes a ConfigError carrying the server's message — the sweep does not retry a
// ConfigError (workflows/policies.ts NON_RETRYABLE; activities/sweep/failures.ts) and `nightshift run`
// exits 2. A run in which every request failed publishes nothing: it throws the first failure, with the
// server's own message. A run in which only some cells produced nothing (every request failed, or skipped
// for context) is published as measured and marked incomplete.
import { ENDPOINT_ERROR_CLASSES, EndpointError, type EndpointErrorClass } from '../../endpoint/errors.js';
import { ConfigError } from '../../errors.js';
import type { SuiteOutcome } from '../types.js';
import type { CellSummary } from './cell.js';
import { cellGap } from './results.js';

/** `error` as a ConfigError when the server rejected the request as invalid; otherwise unchanged. */
export function rejectedAsInvalid(error: unknown, during: string): unknown {
  if (!(error instanceof EndpointError) || error.errorClass !== 'http_client_error') return error;
  const said = error.serverMessage ? `: ${error.serverMessage}` : '';
  return new ConfigError(`the model server rejected the ${during} as invalid (HTTP ${error.status ?? '4xx'})${said}; check the suite config (model, max_tokens, extra_body) — retrying cannot help`, { cause: error });
}

/** Throws when no cell measured anything: every request failed, or every cell was skipped. */
export function throwIfNothingMeasured(suite: string, cells: CellSummary[]): void {
  if (cells.some((c) => c.succeeded > 0)) return;
  const sent = cells.filter((c) => c.skipped === undefined);
  if (sent.length === 0) {
    throw new ConfigError(`${suite}: no cell fits the model server: ${cells.map((c) => `${c.key} ${c.skipped ?? ''}`).join('; ')}; lower prompt_tokens or max_tokens, or give the server more context`);
  }
  const [cls, failure] = sent.flatMap((c) => Object.entries(c.failures))[0] ?? ['connection_lost', undefined];
  const total = sent.reduce((n, c) => n + c.requests, 0);
  const errorClass = (ENDPOINT_ERROR_CLASSES as readonly string[]).includes(cls) ? (cls as EndpointErrorClass) : 'connection_lost';
  const error = new EndpointError(errorClass, `every one of the ${total} measured requests of the ${suite} suite failed; the first with: ${failure?.example ?? 'no reply'}`, {
    ...(failure?.status !== undefined ? { status: failure.status } : {}),
    ...(failure?.server_message ? { serverMessage: failure.server_message } : {}),
  });
  throw rejectedAsInvalid(error, 'measured requests');
}

/** `incomplete` for the outcome when some cells produced no measurement. */
export function incompleteness(cells: CellSummary[]): Pick<SuiteOutcome, 'incomplete'> {
  const gaps = cells.map(cellGap).filter((g): g is string => g !== undefined);
  if (gaps.length === 0) return {};
  return { incomplete: { reason: `${gaps.length} of ${cells.length} cells produced no measurement: ${gaps.join('; ')}` } };
}
