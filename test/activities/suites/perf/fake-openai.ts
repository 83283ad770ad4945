// A minimal real OpenAI-style streaming server for suite and CLI tests: streams max_tokens one-word
// tokens 1 ms apart and counts prompt tokens as words + 7 (the simulated endpoint's rule), so prompt
// calibration is exact. `behaviour` may take over any request (return true when it answered).
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const servers: Server[] = [];

export interface Fake {
  url: string;
  requests: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Streams max_tokens one-word tokens; prompt_tokens = words in the prompt + 7 (like the sim's rule). */
export async function fake(behaviour: (n: number, res: ServerResponse) => boolean = () => false): Promise<Fake> {
  const requests: Array<Record<string, unknown>> = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as { max_tokens: number; messages: Array<{ content: string }> };
      requests.push(body);
      if (behaviour(requests.length, res)) return;
      const promptTokens = body.messages[0]!.content.split(/\s+/).length + 7;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let i = 0;
      const tick = (): void => {
        if (i < body.max_tokens) {
          res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: ` w${i++}` }, finish_reason: null }] })}\n\n`);
          setTimeout(tick, 1);
          return;
        }
        res.write(`data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'length' }] })}\n\n`);
        res.write(`data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: body.max_tokens } })}\n\n`);
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
