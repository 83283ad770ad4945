// The quality runner's one door to the model: a request body in, a chat-completions response (or a
// classified transport failure) out, through the shared OpenAI client, together with the body exactly
// as the server sent it. Requests are sent non-streamed by default (verdicts need the whole answer, and
// one JSON body per scenario is compact to keep); `stream` sends them streamed, and the kept body is
// then the SSE text.
import { EndpointError } from '../../endpoint/errors.js';
import { type ChatCompletionRequest, type ChatCompletionResult, type RawResponseBody, createOpenAIClient } from '../../endpoint/openai-client.js';
import { decodeTokensPerSecond } from '../../endpoint/request-record.js';
import type { FailureMode } from './failure-modes.js';
import type { RawBody } from './result-types.js';

export type TransportOutcome =
  | { ok: true; response: Record<string, unknown>; latencySeconds: number; status: number | undefined; raw?: RawBody }
  | { ok: false; mode: FailureMode; detail: string; latencySeconds: number; status: number | undefined; raw?: RawBody };

export interface TransportOptions {
  /** Send scenarios streamed (the saved body is then the SSE text). Default false. */
  stream?: boolean;
}

export interface QualityTransport {
  send(body: Record<string, unknown>, timeoutSeconds: number, signal?: AbortSignal): Promise<TransportOutcome>;
  /** Decode tokens/s of a short, thinking-off generation, or undefined when it could not be measured;
   * throws the EndpointError when the endpoint is unreachable. */
  probeDecodeTps(model: string, signal?: AbortSignal): Promise<number | undefined>;
  /** The server's sampling defaults (llama.cpp GET /props), when it exposes them. */
  serverDefaults(): Promise<Record<string, unknown> | undefined>;
  close(): Promise<void>;
}

const CLIENT_FIELDS = ['model', 'messages', 'max_tokens', 'temperature', 'top_p', 'top_k', 'seed', 'stop', 'tools', 'tool_choice'] as const;

/** Splits a request body into the client's typed fields and `extra` (chat_template_kwargs, min_p, …). */
export function toClientRequest(body: Record<string, unknown>, stream: boolean): ChatCompletionRequest {
  const typed: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    if ((CLIENT_FIELDS as readonly string[]).includes(k)) typed[k] = v;
    else extra[k] = v;
  }
  return { ...(typed as unknown as ChatCompletionRequest), stream, extra };
}

/**
 * The response in chat-completions shape, rebuilt from what the client read (content, reasoning as
 * reasoning_content, tool calls, finish_reason, usage, llama.cpp timings): one shape whatever the
 * server's dialect or streaming, which is what the verifiers judge and rescore re-judges. The bytes
 * themselves are kept beside it (rawBodyOf) — see docs/quality.md.
 */
export function responseFromResult(r: ChatCompletionResult): Record<string, unknown> {
  const message: Record<string, unknown> = { role: 'assistant', content: r.content === '' && r.toolCalls.length > 0 ? null : r.content };
  if (r.reasoning) message.reasoning_content = r.reasoning;
  if (r.toolCalls.length > 0) message.tool_calls = r.toolCalls;
  const response: Record<string, unknown> = {
    ...(r.id ? { id: r.id } : {}),
    object: 'chat.completion',
    ...(r.model ? { model: r.model } : {}),
    choices: [{ index: 0, finish_reason: r.finishReason ?? null, message }],
  };
  if (r.usage) response.usage = r.usage;
  if (r.timings) response.timings = r.timings;
  return response;
}

/** The saved form of a captured body (snake_case like the rest of the result file). */
export function rawBodyOf(raw: RawResponseBody | undefined, streamed: boolean): RawBody | undefined {
  if (!raw) return undefined;
  return {
    streamed,
    content_type: raw.contentType ?? null,
    bytes: raw.bytes,
    truncated: raw.truncated,
    limit_bytes: raw.limitBytes,
    ...(raw.text !== undefined ? { text: raw.text } : { base64: raw.base64 ?? '' }),
  };
}

export function failureModeFor(error: EndpointError): FailureMode {
  switch (error.errorClass) {
    case 'model_endpoint_unreachable':
      return 'model_endpoint_unreachable';
    case 'timeout':
      return 'timeout';
    case 'rate_limited':
    case 'http_client_error':
      return 'http_error';
    // 5xx, a broken body, a connection dropped mid-answer: the server failed, not the model's answer.
    // (send() rethrows an abort before it gets here.)
    case 'http_server_error':
    case 'malformed_response':
    case 'response_too_large':
    case 'connection_lost':
    case 'aborted':
      return 'server_error';
  }
}

export function openAITransport(endpoint: string, connections: number, options: TransportOptions = {}): QualityTransport {
  const client = createOpenAIClient({ baseUrl: endpoint, connections });
  const origin = new URL(client.baseUrl).origin;
  const stream = options.stream === true;
  return {
    async send(body, timeoutSeconds, signal) {
      const started = performance.now();
      try {
        const result = await client.chatCompletion(toClientRequest(body, stream), { timeoutMs: timeoutSeconds * 1000, captureRaw: true, ...(signal ? { signal } : {}) });
        const raw = rawBodyOf(result.raw, stream);
        return { ok: true, response: responseFromResult(result), latencySeconds: (performance.now() - started) / 1000, status: result.record.status, ...(raw ? { raw } : {}) };
      } catch (error) {
        if (!(error instanceof EndpointError) || error.errorClass === 'aborted') throw error;
        const detail = error.errorClass === 'timeout' ? `timed out after ${timeoutSeconds}s` : error.message;
        const raw = rawBodyOf(error.raw, stream);
        return { ok: false, mode: failureModeFor(error), detail, latencySeconds: (performance.now() - started) / 1000, status: error.status, ...(raw ? { raw } : {}) };
      }
    },
    async probeDecodeTps(model, signal) {
      const prompt = 'Count from 1 to 60 in words, separated by commas. Output only the list.';
      const speeds: number[] = [];
      for (let i = 0; i < 2; i++) {
        try {
          const result = await client.chatCompletion(
            { model, messages: [{ role: 'user', content: prompt }], max_tokens: 96, temperature: 0, stream: true, extra: { chat_template_kwargs: { enable_thinking: false } } },
            { timeoutMs: 120_000, ...(signal ? { signal } : {}) },
          );
          const tps = decodeTokensPerSecond(result.record);
          if (tps !== undefined && Number.isFinite(tps)) speeds.push(tps);
        } catch (error) {
          // Nothing listening: say so now rather than after every scenario has waited out its retries.
          if (error instanceof EndpointError && error.errorClass === 'model_endpoint_unreachable') throw error;
          if (error instanceof EndpointError && error.errorClass !== 'aborted') return undefined;
          throw error;
        }
      }
      return speeds.length ? Math.max(...speeds) : undefined;
    },
    async serverDefaults() {
      try {
        const res = await fetch(`${origin}/props`, { signal: AbortSignal.timeout(5000) });
        if (!res.ok) return undefined;
        const body = (await res.json()) as { default_generation_settings?: { params?: Record<string, unknown> } & Record<string, unknown> };
        const params = body.default_generation_settings?.params ?? body.default_generation_settings ?? {};
        const picked = Object.fromEntries(['temperature', 'top_p', 'top_k', 'min_p', 'repeat_penalty'].filter((k) => k in params).map((k) => [k, params[k]]));
        return Object.keys(picked).length ? picked : undefined;
      } catch {
        return undefined;
      }
    },
    close: () => client.close(),
  };
}
