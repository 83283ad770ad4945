// The per-request figures derived from a record: ITL per request (not per network read), decode speed,
// prefill from the server's timings where it sent them, and the queueing in front of the prompt.
import { describe, expect, it } from 'vitest';
import {
  decodeTokensPerSecond,
  emptyRecord,
  interTokenLatencyMs,
  prefillFromServer,
  prefillTokensPerSecond,
  queueMs,
  timeToFirstTokenMs,
  type RequestRecord,
} from '../../../activities/endpoint/request-record.js';

function record(fields: Partial<RequestRecord>): RequestRecord {
  return { ...emptyRecord(0, 10), ...fields };
}

describe('request figures', () => {
  it('ITL is the decode span over the server\'s tokens − 1, however the tokens were grouped in reads', () => {
    // 11 tokens in 3 reads: first at 110 ms, last at 210 ms, end (usage, [DONE]) at 215 ms.
    const r = record({ firstTokenAt: 110, lastTokenAt: 210, endAt: 215, completionTokens: 11, tokenChunks: 3 });
    expect(interTokenLatencyMs(r)).toBe(10);
    expect(decodeTokensPerSecond(r)).toBe(100);
    expect(timeToFirstTokenMs(r)).toBe(100);
    expect(interTokenLatencyMs(record({ firstTokenAt: 110, lastTokenAt: 110, completionTokens: 1 }))).toBeUndefined();
    expect(interTokenLatencyMs(record({ firstTokenAt: 110, completionTokens: 5 }))).toBeUndefined(); // endAt 10 < first token
  });

  it('prefill comes from the server timings when sent, else from the client TTFT', () => {
    const timed = record({ firstTokenAt: 310, promptTokens: 600, serverPromptTokens: 580, serverPromptMs: 200 });
    expect(prefillTokensPerSecond(timed)).toBe(2900);
    expect(prefillFromServer(timed)).toBe(true);
    expect(queueMs(timed)).toBe(100); // TTFT 300 − prompt_ms 200
    const untimed = record({ firstTokenAt: 310, promptTokens: 600 });
    expect(prefillTokensPerSecond(untimed)).toBe(2000);
    expect(prefillFromServer(untimed)).toBe(false);
    expect(queueMs(untimed)).toBeUndefined();
    // A server whose own prompt time exceeds the client's TTFT (clock granularity): queue is 0, not negative.
    expect(queueMs(record({ firstTokenAt: 110, serverPromptMs: 100.4, serverPromptTokens: 10 }))).toBe(0);
  });
});
