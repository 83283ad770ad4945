// OpenAI-compatible chat client for measuring model servers. It is built to measure the server, not
// itself: one undici Pool per endpoint sized to the caller's concurrency (keep-alive, no queueing behind
// a default connection limit), the monotonic clock sampled once per network read, SSE parsed
// incrementally by eventsource-parser, and nothing per token kept beyond the assembled text (gaps go to
// a callback). Every failure is an EndpointError with a stable class and the server's message.
// A request whose connection dies before any response byte is sent once more on a new connection and
// the retry counted on its record; streamed requests to a server that closes after streams ask for
// `Connection: close` (why: connection-reuse.ts).
import { performance } from 'node:perf_hooks';
import { Client, Pool, type Dispatcher } from 'undici';
import { createParser, type ParseError } from 'eventsource-parser';
import { ChatAssembler, type AssembledChat, type ServerTimings, type ToolCall, type Usage } from './chat-assembler.js';
import { errorMessage, InputError } from '../errors.js';
import { EndpointError, errorClassForStatus, isUnreachable } from './errors.js';
import { CloseAfterStreams, diedBeforeResponse } from './connection-reuse.js';
import { emptyRecord, type RequestRecord } from './request-record.js';
import { observeRequest, WireTimes } from './wire-times.js';
import { RawCapture, type RawResponseBody } from './raw-capture.js';

export type { ToolCall, Usage, ServerTimings } from './chat-assembler.js';
export type { RawResponseBody } from './raw-capture.js';

declare module './errors.js' {
  interface EndpointError {
    /** With `captureRaw`: the body bytes that arrived before the failure (an error body, a stream cut
     * off, a response past the size cap). Absent when no response came at all. */
    raw?: RawResponseBody;
  }
}

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
}

export interface ChatCompletionRequest {
  model: string;
  messages: ChatMessage[];
  /** Defaults to true: stream with `stream_options.include_usage`. */
  stream?: boolean;
  max_tokens?: number;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  seed?: number;
  stop?: string | string[];
  tools?: unknown[];
  tool_choice?: unknown;
  /** Extra body fields passed through verbatim (e.g. `ignore_eos`, `chat_template_kwargs`). */
  extra?: Record<string, unknown>;
}

export interface ChatCallOptions {
  signal?: AbortSignal;
  /** Overrides the client's per-request timeout (whole request, first byte to last). */
  timeoutMs?: number;
  /** performance.now() time at which a schedule wanted this request sent; defaults to now. */
  intendedSendAt?: number;
  /** Called with every gap between token-carrying chunks, in ms (feed a histogram here). */
  onTokenGap?: (gapMs: number) => void;
  /**
   * Also keep the response body exactly as it arrived (the SSE text of a streamed reply up to its end,
   * the JSON text of a non-streamed one, an error body), capped at the client's `maxResponseBytes`;
   * it comes back as `raw` on the result or on the EndpointError. Off by default: the load generator's
   * requests keep nothing per chunk.
   */
  captureRaw?: boolean;
}

export interface ChatCompletionResult extends AssembledChat {
  streamed: boolean;
  record: RequestRecord;
  /** The body as received, when the call asked for `captureRaw`. */
  raw?: RawResponseBody;
}

export interface OpenAIClientOptions {
  /** Base URL, with or without the trailing /v1 (e.g. http://127.0.0.1:11434). */
  baseUrl: string;
  /** Connections kept open to the endpoint: set it to the highest concurrency you will use. */
  connections?: number;
  /** Give up connecting after this long (the endpoint is unreachable). Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Default per-request timeout. Default 600 000 ms. */
  requestTimeoutMs?: number;
  /** Largest response read, in bytes on the wire; beyond it the request fails. Default 8 MiB. */
  maxResponseBytes?: number;
  apiKey?: string;
  headers?: Record<string, string>;
}

export interface OpenAIClient {
  readonly baseUrl: string;
  chatCompletion(request: ChatCompletionRequest, options?: ChatCallOptions): Promise<ChatCompletionResult>;
  /** True once the server was seen closing the connection after a streamed reply (streamed requests
   * then ask for `Connection: close`). */
  readonly closesAfterStreams: boolean;
  close(): Promise<void>;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 600_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
const ERROR_BODY_LIMIT = 64 * 1024;
const STREAM_DECODE = { stream: true } as const;
const DRAIN_GRACE_MS = 2_000;

/** Splits a base URL into the pool origin and the API path prefix ending in /v1. */
export function resolveBaseUrl(baseUrl: string): { origin: string; apiPrefix: string } {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new InputError(`endpoint "${baseUrl}" is not a URL (expected e.g. http://127.0.0.1:11434)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InputError(`endpoint "${baseUrl}" must be http:// or https:// (e.g. http://127.0.0.1:11434)`);
  }
  let path = url.pathname.replace(/\/+$/, '');
  if (!path.endsWith('/v1')) path += '/v1';
  return { origin: url.origin, apiPrefix: path };
}

export function createOpenAIClient(options: OpenAIClientOptions): OpenAIClient {
  const { origin, apiPrefix } = resolveBaseUrl(options.baseUrl);
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const defaultTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const connectionOptions = {
    connect: { timeout: connectTimeoutMs },
    // Our own per-request timer covers the whole request; undici's idle timers would only cut it short.
    headersTimeout: 0,
    bodyTimeout: 0,
    keepAliveTimeout: 30_000,
  };
  const pool = new Pool(origin, { ...connectionOptions, connections: Math.max(1, options.connections ?? 1) });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'text/event-stream, application/json',
    ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
    ...options.headers,
  };
  const path = `${apiPrefix}/chat/completions`;
  const closes = new CloseAfterStreams();

  async function chatCompletion(request: ChatCompletionRequest, call: ChatCallOptions = {}): Promise<ChatCompletionResult> {
    const stream = request.stream !== false;
    const body = JSON.stringify(requestBody(request, stream));
    const timeoutMs = call.timeoutMs ?? defaultTimeoutMs;
    const controller = new AbortController();
    let ended: 'timeout' | 'aborted' | undefined;
    const timer = setTimeout(() => {
      ended ??= 'timeout';
      controller.abort();
    }, timeoutMs);
    const onAbort = (): void => {
      ended ??= 'aborted';
      controller.abort();
    };
    if (call.signal?.aborted) onAbort();
    call.signal?.addEventListener('abort', onAbort, { once: true });
    // A function, not an inline test: `ended` is set by the timer and the abort listener while a request
    // is awaited, which control-flow narrowing cannot see.
    const stoppedByUs = (): boolean => ended !== undefined;

    const sentAt = performance.now();
    const record = emptyRecord(call.intendedSendAt ?? sentAt, sentAt);
    const assembler = new ChatAssembler();
    let wire = new WireTimes(stream);
    const releases: Array<() => void> = [];
    let capture: RawCapture | undefined;
    const send = (dispatcher: Dispatcher, times: WireTimes): Promise<Dispatcher.ResponseData> => {
      const observed = observeRequest(times);
      releases.push(observed.release);
      // `reset` asks for Connection: close, so a server that drops connections after streams never
      // gets a second request on one.
      const reset = stream && closes.seen ? { reset: true } : {};
      return dispatcher.request({ method: 'POST', path, headers: { ...headers, ...observed.header }, body, signal: controller.signal, ...reset });
    };
    try {
      if (ended) throw new EndpointError('aborted', 'request aborted before it was sent');
      let response: Dispatcher.ResponseData;
      try {
        response = await send(pool, wire);
      } catch (error) {
        if (stoppedByUs() || wire.headersAt !== undefined || !diedBeforeResponse(error)) throw error;
        // No byte of a response came back: the connection was dead (a server that closed a kept-alive
        // connection we reused) or died before the server answered. Once more, on a connection of its own.
        record.connectionRetries++;
        if (wire.reusedSocket) closes.noteStaleReuse();
        wire = new WireTimes(stream);
        const fresh = new Client(origin, connectionOptions);
        try {
          response = await send(fresh, wire);
        } catch (retryError) {
          if (stoppedByUs() || isUnreachable(retryError) || wire.headersAt !== undefined) throw retryError;
          throw new EndpointError(
            'connection_lost',
            `no response from ${origin}: the connection closed before any response byte, also on a new connection (${errorMessage(retryError)})`,
            { cause: retryError },
          );
        } finally {
          // Closes once this request's response has been read; takes no new requests.
          void fresh.close().catch(() => undefined);
        }
      }
      if (wire.sentAt !== undefined) record.sentAt = wire.sentAt;
      record.firstByteAt = wire.headersAt ?? performance.now();
      record.status = response.statusCode;
      const contentType = headerText(response.headers['content-type']);
      if (call.captureRaw) capture = new RawCapture(maxBytes, contentType);
      if (response.statusCode >= 400) {
        const text = await readCapped(response.body, ERROR_BODY_LIMIT, true, capture);
        const serverMessage = serverMessageOf(text);
        throw new EndpointError(
          errorClassForStatus(response.statusCode),
          `HTTP ${response.statusCode} from ${origin}${path}${serverMessage ? `: ${serverMessage}` : ''}`,
          { status: response.statusCode, serverMessage },
        );
      }
      if (stream && contentType?.includes('text/event-stream')) {
        // The capture listens beside the stream reader (registered first, so it sees every piece the
        // reader sees) rather than inside it: a request that captures nothing runs the reader unchanged.
        if (capture) response.body.on('data', capture.add.bind(capture));
        await readStream(response.body, assembler, record, maxBytes, call.onTokenGap, wire);
        closes.watch(wire.socket);
      } else {
        // Non-streamed, or a server that ignored `stream: true` and answered with one JSON body.
        const text = await readCapped(response.body, maxBytes, false, capture);
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          throw new EndpointError('malformed_response', `response body is not JSON: ${clip(text)}`);
        }
        throwIfErrorObject(parsed);
        try {
          assembler.setResponse(parsed);
        } catch (error) {
          throw new EndpointError('malformed_response', (error as Error).message);
        }
        record.endAt = performance.now();
      }
      const result = assembler.result();
      fillTokens(record, result.usage, request, result);
      fillServerTimings(record, result.timings);
      record.finishReason = result.finishReason;
      return capture ? { ...result, streamed: stream, record, raw: capture.result() } : { ...result, streamed: stream, record };
    } catch (error) {
      record.endAt = performance.now();
      const failure = classify(error, ended, timeoutMs, origin);
      failure.record = record;
      if (capture) failure.raw = capture.result();
      record.errorClass = failure.errorClass;
      record.status ??= failure.status;
      throw failure;
    } finally {
      for (const release of releases) release();
      clearTimeout(timer);
      call.signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    baseUrl: `${origin}${apiPrefix}`,
    chatCompletion,
    get closesAfterStreams() {
      return closes.seen;
    },
    close: () => pool.close(),
  };
}

function requestBody(request: ChatCompletionRequest, stream: boolean): Record<string, unknown> {
  const { extra, stream: _stream, ...fields } = request;
  // Fields left undefined are not sent at all.
  const body: Record<string, unknown> = Object.fromEntries(Object.entries({ ...fields, stream }).filter(([, value]) => value !== undefined));
  if (stream) body.stream_options = { include_usage: true };
  return { ...body, ...extra };
}

type Body = AsyncIterable<Buffer> & NodeJS.EventEmitter & { destroy(error?: Error): unknown };

// Event-driven rather than `for await`: fewer promises per chunk, and after [DONE] the body is read to
// its natural end instead of being destroyed — destroying an unfinished undici body closes the socket,
// which would cost a new connection per request and skew every later measurement.
function readStream(
  body: Body,
  assembler: ChatAssembler,
  record: RequestRecord,
  maxBytes: number,
  onTokenGap: ((gapMs: number) => void) | undefined,
  wire: WireTimes,
): Promise<void> {
  const decoder = new TextDecoder();
  let now = 0;
  let lastTokenAt = 0;
  let done = false;
  let failure: EndpointError | undefined;
  const parser = createParser({
    maxBufferSize: maxBytes,
    onEvent(event) {
      if (failure || done) return;
      const data = event.data;
      if (data === '[DONE]') {
        done = true;
        record.endAt = now;
        return;
      }
      let chunk: unknown;
      try {
        chunk = JSON.parse(data);
      } catch {
        failure = new EndpointError('malformed_response', `SSE data is not JSON: ${clip(data)}`);
        return;
      }
      if (event.event === 'error' || (typeof chunk === 'object' && chunk !== null && 'error' in chunk)) {
        const message = serverMessageOf(data);
        failure = new EndpointError('http_server_error', `server sent an error mid-stream: ${message}`, { serverMessage: message });
        return;
      }
      let effect;
      try {
        effect = assembler.addChunk(chunk);
      } catch (error) {
        failure = new EndpointError('malformed_response', `unreadable stream chunk: ${(error as Error).message}`);
        return;
      }
      if (!effect.token) return;
      record.tokenChunks++;
      if (record.firstTokenAt === undefined) {
        record.firstTokenAt = now;
      } else {
        const gap = now - lastTokenAt;
        record.gapCount++;
        record.gapSumMs += gap;
        if (gap > record.gapMaxMs) record.gapMaxMs = gap;
        onTokenGap?.(gap);
      }
      if (effect.content && record.firstContentAt === undefined) record.firstContentAt = now;
      lastTokenAt = now;
      record.lastTokenAt = now;
    },
    onError(error: ParseError) {
      if (failure) return;
      if (error.type === 'max-buffer-size-exceeded') {
        failure = new EndpointError('response_too_large', `an SSE event exceeded ${maxBytes} bytes`);
      } else if (error.type === 'unknown-field') {
        failure = new EndpointError('malformed_response', `malformed SSE line: ${clip(error.line ?? `${error.field}: ${error.value}`)}`);
      }
      // invalid-retry is harmless for a one-shot request: ignore it.
    },
  });

  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let bytes = 0;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      reject(error);
      body.destroy(error);
    };
    body.on('data', (piece: Buffer) => {
      // One time per network read (when undici parsed it): every event in it arrived at that moment.
      now = wire.nextChunkAt(performance.now());
      if (settled) return; // after [DONE]: the rest (normally nothing) drains to the end
      bytes += piece.length;
      if (bytes > maxBytes) { fail(new EndpointError('response_too_large', `response exceeded ${maxBytes} bytes; stopped reading`)); return; }
      parser.feed(decoder.decode(piece, STREAM_DECODE));
      if (failure) { fail(failure); return; }
      if (done) {
        // The reply is complete: resolve now. The body drains in the background and frees the
        // connection; a server that never ends its response after [DONE] gets that connection closed
        // after a grace period instead of holding the request until its timeout.
        settled = true;
        resolve();
        const guard = setTimeout(() => body.destroy(), DRAIN_GRACE_MS);
        guard.unref();
        body.once('close', () => clearTimeout(guard));
      }
    });
    body.on('end', () => {
      if (settled) return;
      parser.reset({ consume: true });
      if (failure) { fail(failure); return; }
      if (!done && !assembler.sawFinish) { fail(new EndpointError('connection_lost', 'stream ended without [DONE] or a finish_reason (truncated)')); return; }
      if (!done) record.endAt = performance.now();
      settled = true;
      resolve();
    });
    body.on('error', fail);
  });
}

/** Reads a body as text up to `limit` bytes; past it either truncates (error bodies) or fails. */
async function readCapped(body: Body, limit: number, truncate: boolean, capture?: RawCapture): Promise<string> {
  const pieces: Buffer[] = [];
  let bytes = 0;
  for await (const piece of body) {
    bytes += piece.length;
    if (bytes > limit) {
      body.destroy();
      const kept = piece.subarray(0, piece.length - (bytes - limit));
      capture?.add(kept);
      capture?.cut();
      if (truncate) {
        pieces.push(kept);
        break;
      }
      throw new EndpointError('response_too_large', `response exceeded ${limit} bytes; stopped reading`);
    }
    pieces.push(piece);
    capture?.add(piece);
  }
  return Buffer.concat(pieces).toString('utf8');
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function throwIfErrorObject(parsed: unknown): void {
  if (typeof parsed === 'object' && parsed !== null && 'error' in parsed && !('choices' in parsed)) {
    const message = serverMessageOf(JSON.stringify(parsed));
    throw new EndpointError('http_server_error', `server returned an error object: ${message}`, { serverMessage: message });
  }
}

/** The human part of an error body: OpenAI `{error:{message}}`, `{error:"…"}`, `{message}`, `{detail}` or text. */
export function serverMessageOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const error = parsed.error;
    if (typeof error === 'string') return clip(error, 500);
    if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') {
      return clip((error as { message: string }).message, 500);
    }
    for (const key of ['message', 'detail']) {
      const v = parsed[key];
      if (typeof v === 'string') return clip(v, 500);
    }
  } catch {
    // not JSON: the text itself is the message
  }
  return clip(text.trim(), 500);
}

function classify(error: unknown, ended: 'timeout' | 'aborted' | undefined, timeoutMs: number, origin: string): EndpointError {
  if (ended === 'timeout') return new EndpointError('timeout', `no complete response within ${timeoutMs} ms from ${origin}`, { cause: error });
  if (ended === 'aborted') return new EndpointError('aborted', 'request aborted by the caller', { cause: error });
  if (error instanceof EndpointError) return error;
  if (isUnreachable(error)) {
    return new EndpointError('model_endpoint_unreachable', `cannot connect to ${origin} (${(error as Error).message}); is the model server running?`, { cause: error });
  }
  return new EndpointError('connection_lost', `connection to ${origin} failed mid-request: ${errorMessage(error)}`, { cause: error });
}

function fillTokens(record: RequestRecord, usage: Usage | undefined, request: ChatCompletionRequest, result: { content: string; reasoning: string; toolCalls: ToolCall[] }): void {
  if (usage) {
    record.promptTokens = usage.prompt_tokens;
    record.completionTokens = usage.completion_tokens;
    return;
  }
  // No usage from the server: estimate (≈4 characters per token) and say so.
  record.tokensEstimated = true;
  const promptChars = request.messages.reduce((n, m) => n + (m.content?.length ?? 0), 0);
  record.promptTokens = Math.ceil(promptChars / 4);
  const outputChars = result.content.length + result.reasoning.length + result.toolCalls.reduce((n, t) => n + t.function.arguments.length, 0);
  record.completionTokens = record.tokenChunks > 0 ? record.tokenChunks : Math.ceil(outputChars / 4);
}

/** llama.cpp's prompt timing (the simulated endpoint sends the same fields); other servers send none. */
function fillServerTimings(record: RequestRecord, timings: ServerTimings | undefined): void {
  const ms = timings?.prompt_ms;
  const n = timings?.prompt_n;
  if (typeof ms === 'number' && typeof n === 'number' && Number.isFinite(ms) && Number.isFinite(n) && ms >= 0 && n >= 0) {
    record.serverPromptMs = ms;
    record.serverPromptTokens = n;
  }
}

function clip(s: string, n = 120): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
