// Nightshift's per-request figures agree with the real llama-server's own `timings` for the same requests
// (tolerances wide enough for a loaded 2-core CI box; the tight figures are `npm run bench:fidelity`'s, in
// docs/performance.md). Not skippable: llama-server and the GGUF are installed by deploy/setup.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLlamaServer, type RunningLlamaServer } from '../activities/endpoint/start-llama-server.js';
import { measureFidelity, percentOff } from '../support/fidelity.js';

let server: RunningLlamaServer | undefined;
beforeAll(async () => {
  server = await startLlamaServer({ context: 4096, slots: 1 });
}, 180_000);
afterAll(async () => server?.stop());

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

describe('fidelity against llama-server', () => {
  it('decode and prefill match the server\'s timings, token counts are the server\'s, TTFT covers its prompt time', async () => {
    const samples = await measureFidelity(server!.url, server!.model, { requests: 8, promptWords: 120, maxTokens: 32, seed: 5 });
    expect(samples).toHaveLength(8);
    // Decode: the same quantity from the two ends of the socket.
    expect(Math.abs(median(samples.map((s) => percentOff(s.decodeTps, s.serverDecodeTps))))).toBeLessThan(5);
    // Prefill is published from the server's own timings: equal by construction, never from client TTFT.
    for (const s of samples) expect(Math.abs(percentOff(s.prefillTps, s.serverPrefillTps))).toBeLessThan(0.01);
    // The server's token counts, and a TTFT that contains the server's prompt processing.
    for (const s of samples) {
      expect(s.completionTokens).toBe(s.predictedN);
      expect(s.ttftMs).toBeGreaterThanOrEqual(s.serverPromptMs);
    }
    expect(median(samples.map((s) => s.ttftMs - s.serverPromptMs))).toBeLessThan(250);
  }, 300_000);
});
