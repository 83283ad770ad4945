// The perf suites and `nightshift run` against the REAL llama-server (-c 4096 -np 2: two slots of 2048
// tokens each): a cell that cannot fit a slot's context is skipped up front and the run is incomplete
// (exit 5, envelope written); concurrency past the two slots is warned about and tagged, the time queued
// for a slot reported apart from prefill (which comes from the server's timings); a request the server
// rejects as invalid ends the suite with a ConfigError carrying its message. No speed is asserted: this
// machine's speed varies too much.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../../../client/cli.js';
import { ConfigError } from '../../../../activities/errors.js';
import { validateEnvelope } from '../../../../activities/envelope/validate.js';
import type { Envelope } from '../../../../workflows/shared/envelope.js';
import { perfContext, problems, quiet, throughputSuite } from '../../../support/perf-suites.js';
import { useLlamaServer } from '../../endpoint/start-llama-server.js';

const server = useLlamaServer({ context: 4096, slots: 2 });

afterEach(() => {
  process.exitCode = undefined;
});

const SKIP = 'needs 4100 tokens of context (prompt 4096 + max_tokens 4) but the server gives a request 2048 (llama.cpp /props)';

describe('perf suites against llama-server', () => {
  it('skips what cannot fit a slot, warns about queueing past its slots, and takes prefill from its timings', async () => {
    const config = { prompt_tokens: [48, 4096], concurrency: [1, 3], max_tokens: 4, repeats: 1, warmup_rounds: 0 };
    const outcome = await throughputSuite(perfContext(server().url, config, {}, server().model));
    expect(problems(outcome)).toEqual([
      "concurrency 3 exceeds the server's 2 parallel slots (llama.cpp /props): requests beyond 2 wait in the server's queue; that wait is reported as queue_ms and is part of TTFT, not of prefill",
      `p4096_c1: skipped, nothing sent: ${SKIP}`,
      `p4096_c3: skipped, nothing sent: ${SKIP}`,
    ]);
    expect(outcome.incomplete?.reason).toBe(`2 of 4 cells produced no measurement: p4096_c1 skipped (${SKIP}); p4096_c3 skipped (${SKIP})`);
    const byName = new Map(outcome.results.map((r) => [r.name, r]));
    expect(byName.get('skipped_requests_p4096_c3')).toMatchObject({ value: 3, tags: { cell_status: 'skipped' } });
    for (const c of [1, 3]) {
      const prefill = byName.get(`prefill_tok_per_sec_p48_c${c}`)!;
      expect(prefill.tags).toMatchObject({ prefill_source: 'server_timings', succeeded: String(c), server_slots: '2' });
      expect(byName.get(`queue_ms_p48_c${c}`)!.tags!.samples).toBe(String(c));
      expect(byName.get(`itl_ms_p48_c${c}`)!.tags!.itl_definition).toMatch(/^per request/);
      expect(byName.get(`event_loop_lag_ms_p48_c${c}`)).toBeDefined();
    }
    expect(byName.get('ttft_ms_p48_c3')!.tags).toMatchObject({ exceeds_server_slots: 'true' });
    expect(outcome.results.some((r) => r.name.startsWith('failed_requests'))).toBe(false);
  }, 300_000);

  it('ends at once with a ConfigError carrying the server\'s message when it rejects the requests as invalid', async () => {
    const config = { prompt_tokens: [32], concurrency: [1], max_tokens: 4, repeats: 1, extra_body: { response_format: { type: 'bogus' } } };
    const error = await throughputSuite(perfContext(server().url, config, {}, server().model)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(
      'the model server rejected the prompt-calibration request as invalid (HTTP 400): response_format type must be one of "text" or "json_object", but got: bogus; check the suite config (model, max_tokens, extra_body) — retrying cannot help',
    );
  }, 120_000);

  it('nightshift run: prints the estimate, writes the envelope of what fitted and exits 5', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ns-llama-run-'));
    const out = join(dir, 'tp.json');
    const { value: code, stderr: text } = await quiet(() =>
      main(['run', 'throughput', '--endpoint', server().url, '--model', server().model, '--prompt-tokens', '32,4096', '--concurrency', '1', '--max-tokens', '4', '--repeats', '1', '--git-sha', 'abcdef1', '--out', out, '--no-progress']),
    );
    expect(code).toBe(5);
    expect(text).toMatch(/nightshift run: estimated duration: at least .* for 1 cells, 1 skipped \(2 requests\)/);
    expect(text).toContain(`nightshift run: incomplete: 1 of 2 cells produced no measurement: p4096_c1 skipped (${SKIP})`);
    const envelope = JSON.parse(await readFile(out, 'utf8')) as Envelope;
    expect(validateEnvelope(envelope).issues).toEqual([]);
    expect(envelope.results.map((r) => r.name)).toContain('ttft_ms_p32_c1');
    expect(envelope.results.find((r) => r.name === 'skipped_requests_p4096_c1')?.tags?.memory_target).toBe(`listener on port ${new URL(server().url).port}`);
  }, 300_000);
});
