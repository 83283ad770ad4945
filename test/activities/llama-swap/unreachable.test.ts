// Endpoint faults with real sockets: nothing listening, and a server that accepts connections but never
// answers. Both must end as `model_endpoint_unreachable` (the second after the 5 s probe bound), never hang.
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { EndpointError } from '../../../activities/endpoint/errors.js';
import { detectEndpointMode, ensureModelReady, unloadModel } from '../../../activities/endpoint/llama-swap.js';

const servers: Server[] = [];
const sockets: Socket[] = [];
afterAll(() => {
  for (const s of sockets) s.destroy();
  for (const server of servers) server.close();
});

async function listen(onConnection?: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(onConnection);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port };
}

describe('unreachable endpoints', () => {
  it('fails fast with model_endpoint_unreachable when nothing listens', async () => {
    const { server, port } = await listen();
    server.close(); // the port is now closed: connections are refused
    await once(server, 'close');
    const error = await ensureModelReady(`http://127.0.0.1:${port}`, 'sim-qwen-9b-4bit').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointError);
    expect((error as EndpointError).errorClass).toBe('model_endpoint_unreachable');
    expect((error as Error).message).toMatch(/ECONNREFUSED/);
    await expect(unloadModel(`http://127.0.0.1:${port}`)).rejects.toThrow(/model_endpoint_unreachable/);
  });

  it('gives up on a server that accepts but never answers, within the 5 s probe bound', async () => {
    const { port } = await listen((socket) => sockets.push(socket)); // reads nothing, writes nothing
    const error = await detectEndpointMode(`http://127.0.0.1:${port}`).catch((e: unknown) => e);
    // The message names the bound that fired: the 5 s probe timeout, not the test's own timeout.
    expect((error as EndpointError).errorClass).toBe('model_endpoint_unreachable');
    expect((error as Error).message).toMatch(/no answer within 5 s/);
  });

  it('says "aborted" when the caller cancels', async () => {
    const { port } = await listen((socket) => sockets.push(socket));
    const controller = new AbortController();
    const pending = ensureModelReady(`http://127.0.0.1:${port}`, 'm', { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await pending.catch((e: unknown) => e);
    expect((error as EndpointError).errorClass).toBe('aborted');
  });
});
