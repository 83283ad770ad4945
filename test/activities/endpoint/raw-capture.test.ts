// `captureRaw`: the client hands back the body exactly as a small real server sent it — the SSE text of
// a streamed reply (comments, CRLFs, a character split across writes and all), the JSON text of a
// non-streamed one with its formatting and extra fields, an error body — bounded by maxResponseBytes,
// with a capture cut by the cap saying so. Without the option nothing is kept.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAIClient, type OpenAIClient } from '../../../activities/endpoint/openai-client.js';
import { EndpointError } from '../../../activities/endpoint/errors.js';
import { RawCapture } from '../../../activities/endpoint/raw-capture.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Server[] = [];
const clients: OpenAIClient[] = [];

async function serve(handler: Handler): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function client(baseUrl: string, maxResponseBytes?: number): OpenAIClient {
  const c = createOpenAIClient({ baseUrl, ...(maxResponseBytes ? { maxResponseBytes } : {}) });
  clients.push(c);
  return c;
}

/** Writes the pieces one by one with a pause between them, so they arrive as separate network reads. */
async function writeSlowly(res: ServerResponse, pieces: Array<string | Buffer>, end = true): Promise<void> {
  for (const p of pieces) {
    res.write(p);
    await new Promise((r) => setTimeout(r, 5));
  }
  if (end) res.end();
}

async function failure(p: Promise<unknown>): Promise<EndpointError> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(EndpointError);
    return error as EndpointError;
  }
  throw new Error('expected the request to fail');
}

const ask = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };
const delta = (d: Record<string, unknown>, finish: string | null = null) =>
  JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: d, finish_reason: finish }], server_extra: { slot: 3 } });

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

describe('captureRaw, streamed', () => {
  it('returns the SSE text exactly as sent, across reads and a character split between two writes', async () => {
    const cafe = Buffer.from(`data: ${delta({ content: 'café ☕' })}\r\n\r\n`);
    const cut = cafe.indexOf(Buffer.from('é')) + 1; // inside the two bytes of "é"
    const pieces: Array<string | Buffer> = [
      ': ping\n\n',
      `data: ${delta({ role: 'assistant' })}\n\n`,
      cafe.subarray(0, cut),
      cafe.subarray(cut),
      `event: message\ndata: ${delta({}, 'stop')}\n\n`,
      `data: ${JSON.stringify({ id: 'c1', choices: [], usage: { prompt_tokens: 2, completion_tokens: 2 } })}\n\n`,
      'data: [DONE]\n\n',
    ];
    const sent = Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      void writeSlowly(res, pieces);
    });
    const result = await client(url).chatCompletion(ask, { captureRaw: true });
    expect(result.content).toBe('café ☕');
    expect(result.raw).toEqual({ text: sent.toString('utf8'), contentType: 'text/event-stream; charset=utf-8', bytes: sent.length, truncated: false, limitBytes: 8 * 1024 * 1024 });
  });

  it('keeps nothing when the caller does not ask', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${delta({ content: 'x' }, 'stop')}\n\ndata: [DONE]\n\n`);
    });
    const result = await client(url).chatCompletion(ask);
    expect(result.content).toBe('x');
    expect('raw' in result).toBe(false);
  });

  it('puts what arrived before a stream was cut off on the error', async () => {
    const first = `data: ${delta({ content: 'half an ans' })}\n\n`;
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      void writeSlowly(res, [first], false).then(() => res.socket?.destroy());
    });
    const error = await failure(client(url).chatCompletion(ask, { captureRaw: true }));
    expect(error.errorClass).toBe('connection_lost');
    expect(error.raw?.text).toBe(first);
    expect(error.raw?.truncated).toBe(false);
  });

  it('stops at maxResponseBytes: the capture holds exactly the first cap bytes and says it was cut', async () => {
    const events = Array.from({ length: 40 }, (_, i) => `data: ${delta({ content: `token ${i} ` })}\n\n`).join('');
    const cap = 1000;
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      void writeSlowly(res, events.match(/[\s\S]{1,300}/g)!, false);
    });
    const error = await failure(client(url, cap).chatCompletion(ask, { captureRaw: true }));
    expect(error.errorClass).toBe('response_too_large');
    expect(error.raw).toMatchObject({ text: events.slice(0, cap), bytes: cap, truncated: true, limitBytes: cap });
  });
});

describe('captureRaw, not streamed', () => {
  it('returns the JSON body text as sent, formatting and unknown fields included', async () => {
    const body = `{\n  "id": "r1",\n  "object": "chat.completion",\n  "choices": [ { "index": 0, "finish_reason": "stop",\n    "message": { "role": "assistant", "content": "naïve", "reasoning": "hm" } } ],\n  "usage": {"prompt_tokens": 3, "completion_tokens": 2},\n  "system_fingerprint": "fp_x", "x_server_field": [1, 2]\n}\n`;
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const bytes = Buffer.from(body);
      void writeSlowly(res, [bytes.subarray(0, 40), bytes.subarray(40)]);
    });
    const result = await client(url).chatCompletion({ ...ask, stream: false }, { captureRaw: true });
    expect(result.content).toBe('naïve');
    expect(result.raw).toEqual({ text: body, contentType: 'application/json', bytes: Buffer.byteLength(body), truncated: false, limitBytes: 8 * 1024 * 1024 });
  });

  it('captures a JSON body a server sent although stream: true was asked', async () => {
    const body = JSON.stringify({ choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'ok' } }] });
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    const result = await client(url).chatCompletion(ask, { captureRaw: true });
    expect(result.raw?.text).toBe(body);
  });

  it('puts the error body on the error, and a body past the cap is cut and says so', async () => {
    const errorBody = '{"error":{"message":"model not found","type":"invalid_request_error"}}';
    const url = await serve((req, res) => {
      if (req.url?.includes('chat')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(errorBody);
      }
    });
    const error = await failure(client(url).chatCompletion(ask, { captureRaw: true }));
    expect(error.errorClass).toBe('http_client_error');
    expect(error.raw).toMatchObject({ text: errorBody, truncated: false, contentType: 'application/json' });

    const big = `{"choices":[{"message":{"content":"${'y'.repeat(5000)}"}}]}`;
    const url2 = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      void writeSlowly(res, [big.slice(0, 1500), big.slice(1500, 3000), big.slice(3000)]);
    });
    const tooBig = await failure(client(url2, 2048).chatCompletion({ ...ask, stream: false }, { captureRaw: true }));
    expect(tooBig.errorClass).toBe('response_too_large');
    expect(tooBig.raw).toMatchObject({ text: big.slice(0, 2048), bytes: 2048, truncated: true, limitBytes: 2048 });
  });

  it('keeps bytes that are not UTF-8 as base64', async () => {
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(bytes);
    });
    const error = await failure(client(url).chatCompletion({ ...ask, stream: false }, { captureRaw: true }));
    expect(error.errorClass).toBe('malformed_response');
    expect(error.raw?.text).toBeUndefined();
    expect(Buffer.from(error.raw!.base64!, 'base64').equals(bytes)).toBe(true);
  });
});

describe('RawCapture', () => {
  it('keeps pieces up to its limit, splitting the piece that crosses it', () => {
    const c = new RawCapture(5);
    c.add(Buffer.from('abc'));
    expect(c.result()).toEqual({ text: 'abc', bytes: 3, truncated: false, limitBytes: 5 });
    c.add(Buffer.from('defg'));
    c.add(Buffer.from('h'));
    expect(c.result()).toEqual({ text: 'abcde', bytes: 5, truncated: true, limitBytes: 5 });
  });

  it('marks a capture its reader cut short, and keeps a BOM', () => {
    const c = new RawCapture(100, 'text/plain');
    c.add(Buffer.from('\uFEFFhello'));
    c.cut();
    expect(c.result()).toEqual({ text: '\uFEFFhello', contentType: 'text/plain', bytes: 8, truncated: true, limitBytes: 100 });
  });
});
