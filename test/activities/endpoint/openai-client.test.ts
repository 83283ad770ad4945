// The client against small real HTTP servers, one per wire case (the simulated endpoint covers the
// ordinary path in the integration test). Fault tests check the outcome: the error class, the server's
// message, that the request stopped and the connection was dropped.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAIClient, resolveBaseUrl, type OpenAIClient } from '../../../activities/endpoint/openai-client.js';
import { EndpointError } from '../../../activities/endpoint/errors.js';
import { InputError } from '../../../activities/errors.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: unknown) => void;

const servers: Server[] = [];
const clients: OpenAIClient[] = [];

async function serve(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => handler(req, res, raw ? JSON.parse(raw) : undefined));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function client(baseUrl: string, extra: Partial<Parameters<typeof createOpenAIClient>[0]> = {}): OpenAIClient {
  const c = createOpenAIClient({ baseUrl, ...extra });
  clients.push(c);
  return c;
}

const sse = (res: ServerResponse) => res.writeHead(200, { 'content-type': 'text/event-stream' });
const chunk = (d: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ id: 'x', choices: [{ index: 0, delta: d, finish_reason: null }], ...extra })}\n\n`;
const finish = (reason = 'stop') => `data: ${JSON.stringify({ id: 'x', choices: [{ index: 0, delta: {}, finish_reason: reason }] })}\n\n`;
const ask = { model: 'm', messages: [{ role: 'user' as const, content: 'hello there' }] };

async function failure(p: Promise<unknown>): Promise<EndpointError> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(EndpointError);
    return error as EndpointError;
  }
  throw new Error('expected the request to fail');
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

describe('resolveBaseUrl', () => {
  it('accepts a base URL with or without /v1 and keeps path prefixes', () => {
    expect(resolveBaseUrl('http://h:1')).toEqual({ origin: 'http://h:1', apiPrefix: '/v1' });
    expect(resolveBaseUrl('http://h:1/v1/')).toEqual({ origin: 'http://h:1', apiPrefix: '/v1' });
    expect(resolveBaseUrl('http://h:1/upstream/m')).toEqual({ origin: 'http://h:1', apiPrefix: '/upstream/m/v1' });
    expect(() => resolveBaseUrl('localhost:11434')).toThrow(InputError);
    expect(() => resolveBaseUrl('localhost:11434')).toThrow('endpoint "localhost:11434" must be http:// or https://');
    expect(() => resolveBaseUrl('not a url')).toThrow('endpoint "not a url" is not a URL');
  });
});

describe('chatCompletion, streamed', () => {
  it('sends include_usage, assembles the reply, keeps the last usage and timings, and records timing', async () => {
    let seen: Record<string, unknown> | undefined;
    const url = await serve((_req, res, body) => {
      seen = body as Record<string, unknown>;
      sse(res);
      res.write(': keep-alive comment\n\n');
      res.write(chunk({ role: 'assistant' }));
      res.write(chunk({ reasoning: 'hmm' }));
      const words = ['Hello', ',', ' world'];
      let i = 0;
      const tick = setInterval(() => {
        if (i < words.length) {
          res.write(chunk({ content: words[i++] }));
          return;
        }
        clearInterval(tick);
        res.write(finish());
        res.write(`data: ${JSON.stringify({ id: 'x', choices: [], usage: { prompt_tokens: 9, completion_tokens: 3 } })}\n\n`);
        res.write(`data: ${JSON.stringify({ id: 'x', choices: [], usage: { prompt_tokens: 9, completion_tokens: 4 }, timings: { predicted_n: 4, predicted_ms: 30 } })}\n\n`);
        res.end('data: [DONE]\n\n');
      }, 5);
    });
    const gaps: number[] = [];
    const r = await client(url).chatCompletion({ ...ask, max_tokens: 8, temperature: 0 }, { onTokenGap: (g) => gaps.push(g) });
    expect(seen).toMatchObject({ model: 'm', stream: true, stream_options: { include_usage: true }, max_tokens: 8, temperature: 0 });
    expect(r).toMatchObject({ content: 'Hello, world', reasoning: 'hmm', finishReason: 'stop', streamed: true });
    expect(r.usage).toEqual({ prompt_tokens: 9, completion_tokens: 4 });
    expect(r.timings).toEqual({ predicted_n: 4, predicted_ms: 30 });
    const rec = r.record;
    expect(rec).toMatchObject({ status: 200, promptTokens: 9, completionTokens: 4, tokensEstimated: false, tokenChunks: 4, gapCount: 3 });
    expect(gaps).toHaveLength(3);
    expect(rec.gapSumMs).toBeCloseTo(gaps.reduce((a, b) => a + b, 0), 6);
    expect(rec.gapMaxMs).toBe(Math.max(...gaps));
    // The order of events is fixed even though their spacing is not asserted.
    // Without a schedule the intended time is the call; sentAt is the socket write, after connecting.
    expect(rec.sentAt).toBeGreaterThan(rec.intendedSendAt);
    expect(rec.firstByteAt!).toBeGreaterThanOrEqual(rec.sentAt);
    expect(rec.firstTokenAt!).toBeGreaterThanOrEqual(rec.firstByteAt!);
    expect(rec.firstContentAt!).toBeGreaterThanOrEqual(rec.firstTokenAt!);
    expect(rec.endAt).toBeGreaterThanOrEqual(rec.firstContentAt!);
  });

  it('assembles streamed tool calls and keeps the intended send time it was given', async () => {
    const url = await serve((_req, res) => {
      sse(res);
      res.write(chunk({ tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: 'add', arguments: '' } }] }));
      res.write(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a":1,' } }] }));
      res.write(chunk({ tool_calls: [{ index: 0, function: { arguments: '"b":2}' } }] }));
      res.write(finish('tool_calls'));
      res.end('data: [DONE]\n\n');
    });
    const intended = performance.now() - 7;
    const r = await client(url).chatCompletion({ ...ask, tools: [{ type: 'function', function: { name: 'add' } }] }, { intendedSendAt: intended });
    expect(r.toolCalls).toEqual([{ id: 'c', type: 'function', function: { name: 'add', arguments: '{"a":1,"b":2}' } }]);
    expect(r.finishReason).toBe('tool_calls');
    expect(r.record.intendedSendAt).toBe(intended);
    expect(r.record.sentAt).toBeGreaterThan(intended);
  });

  it('times every request at the wire (socket write, headers and chunks parsed), not only the first', async () => {
    const url = await serve((_req, res) => {
      sse(res);
      res.write(chunk({ content: 'a' }));
      setTimeout(() => res.end(finish() + 'data: [DONE]\n\n'), 2);
    });
    const c = client(url);
    for (let i = 0; i < 4; i++) {
      const rec = (await c.chatCompletion(ask)).record;
      // Observed send time: strictly after the call (the request had to be built and written first);
      // an unobserved one would equal the intended time exactly.
      expect(rec.sentAt).toBeGreaterThan(rec.intendedSendAt);
      expect(rec.firstByteAt!).toBeGreaterThan(rec.sentAt);
      expect(rec.firstTokenAt!).toBeGreaterThanOrEqual(rec.firstByteAt!);
      expect(rec.endAt).toBeGreaterThan(rec.firstTokenAt!);
    }
  });

  it('completes at [DONE] even if the server never ends the response, and later drops that connection', async () => {
    let closed: Promise<void> = Promise.resolve();
    const url = await serve((req, res) => {
      closed = new Promise((resolve) => req.socket.once('close', () => resolve()));
      sse(res);
      res.write(chunk({ content: 'done' }));
      res.write(finish());
      res.write('data: [DONE]\n\n'); // …and the chunked response is never ended
    });
    const r = await client(url).chatCompletion(ask, { timeoutMs: 60_000 });
    expect(r).toMatchObject({ content: 'done', finishReason: 'stop' });
    await closed; // the grace period ran out and the client closed the socket
  });

  it('flags token counts as estimated when the server sends no usage', async () => {
    const url = await serve((_req, res) => {
      sse(res);
      res.write(chunk({ content: 'a' }));
      res.write(chunk({ content: 'b' }));
      res.end(finish());
    });
    const r = await client(url).chatCompletion(ask);
    expect(r.usage).toBeUndefined();
    expect(r.record).toMatchObject({ tokensEstimated: true, completionTokens: 2, promptTokens: 3 });
  });

  it('reads one JSON body when the server ignores stream: true', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ choices: [{ message: { content: 'ok' }, finish_reason: 'stop' }], usage: { prompt_tokens: 2, completion_tokens: 1 } }));
    });
    const r = await client(url).chatCompletion(ask);
    expect(r).toMatchObject({ content: 'ok', finishReason: 'stop' });
  });
});

describe('chatCompletion, not streamed', () => {
  it('sends stream:false without stream_options and reads message, reasoning, tool calls and usage', async () => {
    let seen: Record<string, unknown> | undefined;
    const url = await serve((_req, res, body) => {
      seen = body as Record<string, unknown>;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'n',
          model: 'm',
          choices: [{ message: { role: 'assistant', content: 'four', reasoning_content: '2+2' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 7, completion_tokens: 1, total_tokens: 8 },
        }),
      );
    });
    const r = await client(url + '/v1').chatCompletion({ ...ask, stream: false, extra: { ignore_eos: true } });
    expect(seen).toMatchObject({ stream: false, ignore_eos: true });
    expect(seen).not.toHaveProperty('stream_options');
    expect(r).toMatchObject({ content: 'four', reasoning: '2+2', finishReason: 'stop', streamed: false });
    expect(r.record).toMatchObject({ promptTokens: 7, completionTokens: 1, tokensEstimated: false });
  });
});

describe('chatCompletion faults', () => {
  it('fails fast with model_endpoint_unreachable on a closed port', async () => {
    // Bind then close: the port is known to be free and refusing.
    const url = await serve(() => undefined);
    const server = servers.pop()!;
    await new Promise((r) => server.close(r));
    const e = await failure(client(url).chatCompletion(ask));
    expect(e.errorClass).toBe('model_endpoint_unreachable');
    expect(e.message).toMatch(/cannot connect to http:\/\/127\.0\.0\.1:\d+.*model server running/);
    expect(e.record?.errorClass).toBe('model_endpoint_unreachable');
  });

  it.each([
    [429, 'rate_limited', JSON.stringify({ error: { message: 'too many requests, limit 10', type: 'rate_limit' } })],
    [404, 'http_client_error', JSON.stringify({ error: 'model "nope" not found' })],
    [400, 'http_client_error', JSON.stringify({ detail: 'max_tokens must be positive' })],
    [503, 'http_server_error', 'upstream is loading'],
  ] as const)('types HTTP %i as %s with the server message', async (status, cls, body) => {
    const url = await serve((_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    });
    const e = await failure(client(url).chatCompletion(ask));
    expect(e.errorClass).toBe(cls);
    expect(e.status).toBe(status);
    const expected = { 429: 'too many requests, limit 10', 404: 'model "nope" not found', 400: 'max_tokens must be positive', 503: 'upstream is loading' }[status];
    expect(e.serverMessage).toBe(expected);
    expect(e.message).toContain(`HTTP ${status}`);
    expect(e.message).toContain(expected);
    expect(e.record?.status).toBe(status);
  });

  it('fails on SSE data that is not JSON', async () => {
    const url = await serve((_req, res) => {
      sse(res);
      res.write(chunk({ content: 'a' }));
      res.end('data: {"choices": [oops\n\n');
    });
    const e = await failure(client(url).chatCompletion(ask));
    expect(e.errorClass).toBe('malformed_response');
    expect(e.message).toContain('SSE data is not JSON');
  });

  it('fails on an SSE line that is not a field', async () => {
    const url = await serve((_req, res) => {
      sse(res);
      res.write(chunk({ content: 'a' }));
      res.end('this is not server-sent events\n\n');
    });
    const e = await failure(client(url).chatCompletion(ask));
    expect(e.errorClass).toBe('malformed_response');
    expect(e.message).toContain('malformed SSE line: this is not server-sent events');
  });

  it('reports an error object sent inside the stream with its message', async () => {
    const url = await serve((_req, res) => {
      sse(res);
      res.write(chunk({ content: 'a' }));
      res.end(`data: ${JSON.stringify({ error: { message: 'KV cache full' } })}\n\n`);
    });
    const e = await failure(client(url).chatCompletion(ask));
    expect(e.errorClass).toBe('http_server_error');
    expect(e.serverMessage).toBe('KV cache full');
  });

  it('reports a stream cut off before it finished as connection_lost', async () => {
    const url = await serve((_req, res) => {
      sse(res);
      res.write(chunk({ content: 'a' }));
      setTimeout(() => res.socket?.destroy(), 10);
    });
    const e = await failure(client(url).chatCompletion(ask));
    expect(e.errorClass).toBe('connection_lost');
  });

  it.each([
    [true, 10 * 1024 * 1024],
    [false, 10 * 1024 * 1024],
    [true, 256 * 1024 * 1024],
  ])('stops reading an oversized response (stream=%s, %i bytes offered) and drops the connection', async (stream, size) => {
    let outcome: Promise<{ sent: number }> = Promise.resolve({ sent: 0 });
    const url = await serve((req, res) => {
      res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
      const piece = stream ? chunk({ content: 'x'.repeat(1000) }) : 'x'.repeat(1000);
      let sent = 0;
      // Resolves when the client closes the socket (keep-alive would otherwise keep it open).
      outcome = new Promise((resolve) => {
        req.socket.once('close', () => resolve({ sent }));
        const pump = () => {
          while (sent < size && !res.destroyed) {
            sent += piece.length;
            if (!res.write(piece)) return void res.once('drain', pump);
          }
          if (!res.destroyed) res.end();
        };
        pump();
      });
    });
    const e = await failure(client(url).chatCompletion({ ...ask, stream }));
    expect(e.errorClass).toBe('response_too_large');
    expect(e.message).toContain(String(8 * 1024 * 1024));
    const { sent } = await outcome;
    // An endless source is cut off long before its end: the client reads a bounded amount.
    if (size > 100 * 1024 * 1024) expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('fails a stream that never ends at the per-request timeout', async () => {
    let closed: Promise<void> = Promise.resolve();
    const url = await serve((_req, res) => {
      sse(res);
      const tick = setInterval(() => res.write(chunk({ content: 'more' })), 5);
      closed = new Promise((resolve) =>
        res.on('close', () => {
          clearInterval(tick);
          resolve();
        }),
      );
    });
    const gaps: number[] = [];
    const e = await failure(client(url, { requestTimeoutMs: 60_000 }).chatCompletion(ask, { timeoutMs: 300, onTokenGap: (g) => gaps.push(g) }));
    expect(e.errorClass).toBe('timeout');
    expect(e.message).toContain('300 ms');
    expect(e.record?.firstTokenAt).toBeDefined();
    expect(gaps.length).toBeGreaterThan(0);
    await closed; // the connection was dropped, not left streaming
  });

  it('fails at the timeout when headers never come', async () => {
    const url = await serve(() => undefined);
    const e = await failure(client(url).chatCompletion(ask, { timeoutMs: 200 }));
    expect(e.errorClass).toBe('timeout');
  });

  it('aborts in-flight and not-yet-sent requests through the signal', async () => {
    let started!: () => void;
    const startedP = new Promise<void>((r) => (started = r));
    const url = await serve((_req, res) => {
      sse(res);
      res.write(chunk({ content: 'a' }));
      started();
    });
    const c = client(url);
    const controller = new AbortController();
    const pending = failure(c.chatCompletion(ask, { signal: controller.signal }));
    await startedP;
    controller.abort();
    const e = await pending;
    expect(e.errorClass).toBe('aborted');
    const pre = await failure(c.chatCompletion(ask, { signal: AbortSignal.abort() }));
    expect(pre.errorClass).toBe('aborted');
  });
});

describe('stale kept-alive connections', () => {
  const reply = (res: ServerResponse): void => {
    sse(res);
    res.write(chunk({ content: 'hi' }));
    res.end(finish() + 'data: [DONE]\n\n');
  };

  it('sends a request again on a new connection when its reused connection died before any response byte, and counts it', async () => {
    // Like a server that dropped a kept-alive connection: the second request on a connection is never
    // answered, its socket is destroyed.
    const uses = new WeakMap<object, number>();
    const url = await serve((req, res) => {
      const n = (uses.get(req.socket) ?? 0) + 1;
      uses.set(req.socket, n);
      if (n > 1) req.socket.destroy();
      else reply(res);
    });
    const c = client(url);
    const first = await c.chatCompletion(ask);
    expect(first.record.connectionRetries).toBe(0);
    const second = await c.chatCompletion(ask);
    expect(second).toMatchObject({ content: 'hi', finishReason: 'stop' });
    expect(second.record.connectionRetries).toBe(1);
    expect(c.closesAfterStreams).toBe(true);
  });

  it('notices a server that closes after each streamed reply and asks for Connection: close from then on', async () => {
    // llama-server's way: keep-alive announced, the connection closed right after every streamed reply.
    const connectionHeaders: Array<string | undefined> = [];
    const url = await serve((req, res) => {
      connectionHeaders.push(req.headers.connection);
      res.setHeader('keep-alive', 'timeout=5, max=100');
      reply(res);
      res.once('finish', () => setImmediate(() => req.socket.end()));
    });
    const c = client(url);
    const records = [];
    for (let i = 0; i < 5; i++) records.push((await c.chatCompletion(ask)).record);
    expect(c.closesAfterStreams).toBe(true);
    expect(connectionHeaders.slice(2)).toEqual(['close', 'close', 'close']);
    // At most the one request that raced the server's close was sent twice.
    expect(records.reduce((n, r) => n + r.connectionRetries, 0)).toBeLessThanOrEqual(1);
  });

  it('honours a Connection: close the server sends, without a retry', async () => {
    const url = await serve((_req, res) => {
      res.setHeader('connection', 'close');
      reply(res);
    });
    const c = client(url);
    for (let i = 0; i < 3; i++) expect((await c.chatCompletion(ask)).record.connectionRetries).toBe(0);
  });

  it('says what happened when the new connection fails too, without blaming a stale socket', async () => {
    const url = await serve((req) => req.socket.destroy());
    const e = await failure(client(url).chatCompletion(ask));
    expect(e.errorClass).toBe('connection_lost');
    expect(e.message).toMatch(/^connection_lost: no response from http:\/\/127\.0\.0\.1:\d+: the connection closed before any response byte, also on a new connection \(other side closed\)$/);
    expect(e.record?.connectionRetries).toBe(1);
  });

  it('does not send again a request whose response had begun', async () => {
    let requests = 0;
    const url = await serve((_req, res) => {
      requests++;
      sse(res);
      res.write(chunk({ content: 'a' }));
      setTimeout(() => res.socket?.destroy(), 5);
    });
    const e = await failure(client(url).chatCompletion(ask));
    expect(e.errorClass).toBe('connection_lost');
    expect(requests).toBe(1);
    expect(e.record?.connectionRetries).toBe(0);
  });
});
