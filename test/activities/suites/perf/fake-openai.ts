// A minimal real OpenAI-style streaming server for suite and CLI tests: streams max_tokens one-word
// tokens 1 ms apart and counts prompt tokens as words + 7 (the simulated endpoint's rule), so prompt
// calibration is exact. `behaviour` may take over any request (return true when it answered). Options
// make it look like llama-server where a test needs that: GET /props (slots, per-slot context), llama.cpp
// `timings` on the last chunk, and several tokens per network write.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const servers: Server[] = [];

export interface Fake {
  url: string;
  requests: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface FakeOptions {
  /** Served as GET /props (llama.cpp's shape, e.g. { total_slots, default_generation_settings: { n_ctx } }); 404 when absent. */
  props?: Record<string, unknown>;
  /** llama.cpp timings sent with the usage, from the request's prompt token count. */
  timings?: (promptTokens: number) => Record<string, number>;
  /** Tokens per network write (default 1): several arrive in one read, as under load. */
  tokensPerWrite?: number;
}

/** The prompt tokens the fake counts for a request body: words of the first message + 7. */
export function fakePromptTokens(body: Record<string, unknown>): number {
  const messages = body.messages as Array<{ content: string }>;
  return messages[0]!.content.split(/\s+/).length + 7;
}

/** Streams max_tokens one-word tokens; prompt_tokens = words in the prompt + 7 (like the sim's rule). */
export async function fake(behaviour: (n: number, res: ServerResponse, body: Record<string, unknown>) => boolean = () => false, options: FakeOptions = {}): Promise<Fake> {
  const requests: Array<Record<string, unknown>> = [];
  const perWrite = options.tokensPerWrite ?? 1;
  const server = createServer((req, res) => {
    if (req.method === 'GET') {
      const body = req.url === '/props' ? options.props : undefined;
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body ?? { error: 'not found' }));
      return;
    }
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as Record<string, unknown> & { max_tokens: number };
      requests.push(body);
      if (behaviour(requests.length, res, body)) return;
      const promptTokens = fakePromptTokens(body);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let i = 0;
      const token = (): string => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: ` w${i++}` }, finish_reason: null }] })}\n\n`;
      const tick = (): void => {
        if (i < body.max_tokens) {
          let out = '';
          for (let k = 0; k < perWrite && i < body.max_tokens; k++) out += token();
          res.write(out);
          setTimeout(tick, 1);
          return;
        }
        const timings = options.timings ? { timings: options.timings(promptTokens) } : {};
        res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'length' }] })}\n\n`);
        res.write(`data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: body.max_tokens }, ...timings })}\n\n`);
        res.end('data: [DONE]\n\n');
      };
      setTimeout(tick, 2);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => {
      servers.splice(servers.indexOf(server), 1);
      return stop(server);
    },
  };
}

export async function closeFakes(): Promise<void> {
  for (const s of servers.splice(0)) await stop(s);
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
}
