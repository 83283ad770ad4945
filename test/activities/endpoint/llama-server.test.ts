// The client against the REAL llama-server, which announces `Keep-Alive: timeout=5, max=100` yet closes
// the connection after every streamed reply: no request may fail on a connection the server has closed,
// sequential or concurrent, streamed or not; and what the server says about its limits is read.
import { describe, expect, it } from 'vitest';
import { createOpenAIClient } from '../../../activities/endpoint/openai-client.js';
import { ensureModelReady } from '../../../activities/endpoint/llama-swap.js';
import { readServerLimits } from '../../../activities/endpoint/server-limits.js';
import { useLlamaServer } from './start-llama-server.js';

const server = useLlamaServer({ context: 4096, slots: 2 });

describe('against llama-server', () => {
  it('reads its slots and per-slot context', async () => {
    expect(await readServerLimits(server().url, server().model)).toEqual({ slots: 2, contextTokens: 2048, source: 'llama.cpp /props' });
  });

  // A plain llama-server answers whatever model id a request names; Nightshift checks the id against its
  // /v1/models (the --alias, or the file it serves) so results are never published under a wrong name.
  it('takes the id it serves and refuses another one, listing what it serves', async () => {
    await expect(ensureModelReady(server().url, server().model)).resolves.toMatchObject({});
    await expect(ensureModelReady(server().url, 'gemma-3-270m')).rejects.toThrow(
      new RegExp(`model "gemma-3-270m" is not served by ${server().url.replace(/[.]/g, '\\.')}.*; it serves: ${server().model}`),
    );
  });

  it('never fails a request on a connection the server closed after a streamed reply', async () => {
    const client = createOpenAIClient({ baseUrl: server().url, connections: 2 });
    const ask = (i: number, stream: boolean) =>
      client.chatCompletion({ model: server().model, messages: [{ role: 'user', content: `Say ${i}.` }], max_tokens: 2, temperature: 0, stream });
    try {
      const records = [];
      // Back to back on the same pool, streamed and not, then two at a time.
      for (let i = 0; i < 8; i++) records.push((await ask(i, i % 4 !== 3)).record);
      for (let round = 0; round < 4; round++) records.push(...(await Promise.all([ask(100 + round, true), ask(200 + round, true)])).map((r) => r.record));
      expect(records).toHaveLength(16);
      expect(records.every((r) => r.status === 200 && r.errorClass === undefined)).toBe(true);
      expect(client.closesAfterStreams).toBe(true);
      // Retries happen only while the client has not yet seen the server's habit.
      expect(records.slice(8).reduce((n, r) => n + r.connectionRetries, 0)).toBe(0);
    } finally {
      await client.close();
    }
  }, 180_000);
});
