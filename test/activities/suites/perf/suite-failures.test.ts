// How a perf run ends when requests fail: a cell without a single reply publishes no figure, a run where
// only some cells failed is incomplete, a run where every request failed throws the server's message, and
// a request the server rejects as invalid becomes a ConfigError at once (calibration included) — which
// the sweep does not retry.
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { EndpointError } from '../../../../activities/endpoint/errors.js';
import { ConfigError } from '../../../../activities/errors.js';
import { perfContext, problems, throughputSuite, ttftSuite } from '../../../support/perf-suites.js';
import { closeFakes, fake, fakePromptTokens } from './fake-openai.js';

afterEach(closeFakes);

function answer(res: ServerResponse, status: number, message: string): true {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { code: status, message, type: status < 500 ? 'invalid_request_error' : 'server_error' } }));
  return true;
}

/** Requests with a long prompt (measured, not calibration: those send max_tokens 1). */
const longMeasured = (body: Record<string, unknown>): boolean => body.max_tokens !== 1 && fakePromptTokens(body) > 150;

describe('perf suite failures', () => {
  it('a cell whose every request failed reports no figure; the run is incomplete with the reason', async () => {
    const f = await fake((_n, res, body) => longMeasured(body) && answer(res, 500, 'out of memory while decoding'));
    const outcome = await throughputSuite(perfContext(f.url, { prompt_tokens: [32, 200], concurrency: [2], max_tokens: 3, repeats: 2, warmup_rounds: 1 }));
    const p200 = outcome.results.filter((r) => r.name.includes('_p200_'));
    expect(p200.map((r) => [r.name, r.value, r.tags?.cell_status, r.tags?.errors_http_server_error])).toEqual([['failed_requests_p200_c2', 4, 'failed', '4']]);
    expect(outcome.results.some((r) => r.name === 'ttft_ms_p32_c2')).toBe(true);
    expect(problems(outcome)).toEqual([
      'p200_c2: every request failed, so the cell reports no figures',
      expect.stringMatching(/^p200_c2: 4 of 4 requests failed with http_server_error \(e\.g\. http_server_error: HTTP 500 from .*: out of memory while decoding\)$/),
    ]);
    expect(outcome.incomplete).toEqual({ reason: '1 of 2 cells produced no measurement: p200_c2: all 4 requests failed (http_server_error)' });
  });

  it('throws the server\'s first message when every request of the suite failed', async () => {
    const f = await fake((_n, res, body) => body.max_tokens !== 1 && answer(res, 503, 'the model is loading'));
    const error = await ttftSuite(perfContext(f.url, { prompt_tokens: [32, 64], repeats: 2, max_tokens: 2 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointError);
    expect(error).toMatchObject({ errorClass: 'http_server_error', status: 503, serverMessage: 'the model is loading' });
    expect((error as Error).message).toMatch(/^http_server_error: every one of the 4 measured requests of the ttft suite failed; the first with: .*the model is loading$/);
  });

  it('turns requests the server rejects as invalid into a ConfigError with its message', async () => {
    const f = await fake((_n, res, body) => body.max_tokens !== 1 && answer(res, 400, 'response_format type must be one of "text" or "json_object", but got: bogus'));
    const error = await ttftSuite(perfContext(f.url, { prompt_tokens: [32], repeats: 2, max_tokens: 2 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'the model server rejected the measured requests as invalid (HTTP 400): response_format type must be one of "text" or "json_object", but got: bogus; check the suite config (model, max_tokens, extra_body) — retrying cannot help',
    );
    expect((error as ConfigError).cause).toBeInstanceOf(EndpointError);
    expect(((error as ConfigError).cause as EndpointError).errorClass).toBe('http_client_error');
  });

  it('fails a rejected calibration request at once, without sending it again', async () => {
    const f = await fake((_n, res) => answer(res, 400, 'unknown field "bogus"'));
    const error = await throughputSuite(perfContext(f.url, { prompt_tokens: [32], concurrency: [1], repeats: 1, extra_body: { bogus: true } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^the model server rejected the prompt-calibration request as invalid \(HTTP 400\): unknown field "bogus"; /);
    expect(f.requests).toHaveLength(1);
  });

  it('a rate limit is not a config problem: it stays an EndpointError the sweep may retry', async () => {
    const f = await fake((_n, res, body) => body.max_tokens !== 1 && answer(res, 429, 'too many requests'));
    const error = await ttftSuite(perfContext(f.url, { prompt_tokens: [32], repeats: 1, max_tokens: 2 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EndpointError);
    expect(error).not.toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ errorClass: 'rate_limited', serverMessage: 'too many requests' });
  });
});
