// The release step says what really happened: llama-swap unloads the model; a plain server cannot, and
// the result says the model stays loaded instead of claiming an unload.
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from '../../../client/sim-server/server.js';
import { releaseModelActivity } from '../../../activities/sweep/lifecycle.js';

const config = { seed: 1, models: [{ id: 'sim-rel', preload: true, ttft_ms: 1, decode_tokens_per_second: 1000 }] };
let swap: SimServer | undefined;
let plain: SimServer | undefined;
beforeAll(async () => {
  swap = await startSimServer({ config });
  plain = await startSimServer({ config, plain: true });
});
afterAll(async () => {
  await swap?.close();
  await plain?.close();
});

const noMemory = () => Promise.resolve(undefined);

describe('releaseModel', () => {
  it('unloads through llama-swap', async () => {
    const result = await new MockActivityEnvironment().run(releaseModelActivity, { endpoint: swap!.url, model: 'sim-rel', unload: true }, noMemory);
    expect(result).toEqual({ unloaded: true });
    expect(swap!.stats().routes['/api/models/unload/{model}']).toBe(1);
  });

  it('on a plain server says the model stays loaded', async () => {
    const result = await new MockActivityEnvironment().run(releaseModelActivity, { endpoint: plain!.url, model: 'sim-rel', unload: true }, noMemory);
    expect(result).toEqual({ unloaded: false, note: `${plain!.url} is a plain server: sim-rel stays loaded (only llama-swap can unload)` });
  });

  it('with unload off does nothing', async () => {
    expect(await new MockActivityEnvironment().run(releaseModelActivity, { endpoint: swap!.url, model: 'sim-rel', unload: false }, noMemory)).toEqual({ unloaded: false });
  });
});
