// The saved result keeps each scenario's response body exactly as the simulated endpoint sent it: a
// recording TCP proxy between the runner and the sim captures the bytes on the wire, and the saved
// `raw_body.text` must equal that HTTP body (SSE text with --stream, the JSON text without, the error
// body of a failing server). `rescore` still works on such a file and on one written before
// `raw_body` existed; `inspect --full` shows the body.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../client/cli.js';
import { startSimServer, type SimServer } from '../../../client/sim-server/server.js';
import { memoryJournal } from '../../../activities/journal/journal.js';
import { loadPackFile } from '../../../activities/suites/quality/pack-loader.js';
import type { QualityResult } from '../../../activities/suites/quality/result-types.js';
import { runQuality } from '../../../activities/suites/quality/runner.js';

const MODEL = 'sim-raw';
const BROKEN = 'sim-raw-broken';
const ANSWER = 'Alpha beta gamma.';

let sim: SimServer;
let dir: string;
let packFile: string;

/** A TCP proxy to `target` that keeps every byte the server sent, per connection. */
async function recordingProxy(target: number): Promise<{ url: string; fromServer: Buffer[][]; close(): Promise<void> }> {
  const fromServer: Buffer[][] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const pieces: Buffer[] = [];
    fromServer.push(pieces);
    const upstream = connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    upstream.on('data', (b: Buffer) => pieces.push(b));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    fromServer,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** The entity body of the one HTTP/1.1 response in `wire` (chunked or with a content-length). */
function httpBody(wire: Buffer): Buffer {
  const headEnd = wire.indexOf('\r\n\r\n');
  const head = wire.subarray(0, headEnd).toString('latin1');
  let rest = wire.subarray(headEnd + 4);
  if (!/^transfer-encoding:\s*chunked/im.test(head)) {
    const length = /^content-length:\s*(\d+)/im.exec(head);
    return rest.subarray(0, Number(length![1]));
  }
  const out: Buffer[] = [];
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = parseInt(rest.subarray(0, lineEnd).toString('latin1'), 16);
    if (size === 0) break;
    out.push(rest.subarray(lineEnd + 2, lineEnd + 2 + size));
    rest = rest.subarray(lineEnd + 2 + size + 2);
  }
  return Buffer.concat(out);
}

async function quietly<T>(f: () => Promise<T>): Promise<T> {
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true);
  try {
    return await f();
  } finally {
    process.stdout.write = original;
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-quality-raw-'));
  const meta = { __meta__: true, pack_id: 'sim-raw', version: '0.1.0', sampling_defaults: { temperature: 0, max_tokens: 64 }, default_thinking: 'off' };
  const scenario = {
    id: 'RAW-1',
    description: 'the answer must name Alpha',
    messages: [{ role: 'user', content: '[case raw] answer' }],
    verifier: { type: 'instruct_follow', asserts: [{ kind: 'required_phrase', value: 'Alpha' }] },
  };
  packFile = join(dir, 'sim-raw.jsonl');
  await writeFile(packFile, `${[meta, scenario].map((l) => JSON.stringify(l)).join('\n')}\n`);
  sim = await startSimServer({
    config: {
      seed: 3,
      models: [
        { id: MODEL, load_ms: 0, ttft_ms: 1, decode_tokens_per_second: 5000, prefill_tokens_per_second: 100000, jitter: 0, scripts: [{ match: '[case raw]', reply: ANSWER }] },
        { id: BROKEN, load_ms: 0, ttft_ms: 1, decode_tokens_per_second: 5000, prefill_tokens_per_second: 100000, jitter: 0, faults: { error_rate: 1, error_status: 503 } },
      ],
    },
  });
  return () => sim.close();
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const readResult = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as QualityResult;

describe('raw_body in saved quality results', () => {
  it('--stream saves the SSE text exactly as the simulated endpoint sent it', async () => {
    const proxy = await recordingProxy(sim.port);
    const out = join(dir, 'streamed.json');
    try {
      const code = await quietly(() =>
        main(['quality', 'run', '--endpoint', proxy.url, '--model', MODEL, '--pack-file', packFile, '--stream', '--timeout-per-case', '30', '--out', out, '--quiet']),
      );
      expect(code).toBe(0);
    } finally {
      await proxy.close();
    }
    const run = (await readResult(out)).packs[0]!.scenarios[0]!;
    expect(run.passed).toBe(true);
    expect(proxy.fromServer).toHaveLength(1); // one request (no probe with --timeout-per-case)
    const sent = httpBody(Buffer.concat(proxy.fromServer[0]!));
    const body = run.raw_body!;
    expect(body).toMatchObject({ streamed: true, bytes: sent.length, truncated: false });
    expect(body.content_type).toMatch(/^text\/event-stream/);
    expect(body.text).toBe(sent.toString('utf8'));
    expect(body.text).toMatch(/^data: \{/);
    expect(body.text).toMatch(/data: \[DONE\]\n\n$/);
    // The SSE text carries the same answer the verifiers judged from the assembled response.
    const content = body
      .text!.split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => (JSON.parse(l.slice(6)) as { choices?: Array<{ delta?: { content?: string } }> }).choices?.[0]?.delta?.content ?? '')
      .join('');
    expect(content).toBe(ANSWER);
    expect((run.raw_response as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe(ANSWER);
  });

  it('without --stream saves the JSON body text as sent, and rescore and inspect read the file', async () => {
    const proxy = await recordingProxy(sim.port);
    const out = join(dir, 'plain.json');
    try {
      expect(await quietly(() => main(['quality', 'run', '--endpoint', proxy.url, '--model', MODEL, '--pack-file', packFile, '--timeout-per-case', '30', '--out', out, '--quiet']))).toBe(0);
    } finally {
      await proxy.close();
    }
    const saved = await readResult(out);
    const run = saved.packs[0]!.scenarios[0]!;
    const sent = httpBody(Buffer.concat(proxy.fromServer[0]!));
    expect(run.raw_body).toMatchObject({ streamed: false, bytes: sent.length, truncated: false, text: sent.toString('utf8') });
    expect(run.raw_body?.content_type).toMatch(/^application\/json/);
    expect((JSON.parse(run.raw_body!.text!) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe(ANSWER);

    // rescore keeps the body and re-judges the assembled response.
    const rescored = join(dir, 'rescored.json');
    expect(await quietly(() => main(['quality', 'rescore', out, '--out', rescored, '--pack-file', packFile]))).toBe(0);
    const again = (await readResult(rescored)).packs[0]!.scenarios[0]!;
    expect(again.passed).toBe(true);
    expect(again.raw_body).toEqual(run.raw_body);

    // A file written before raw_body existed rescores the same way.
    const old = join(dir, 'old.json');
    const { raw_body: _dropped, ...oldRun } = run;
    await writeFile(old, JSON.stringify({ ...saved, packs: [{ ...saved.packs[0]!, scenarios: [{ ...oldRun, passed: false, failure_mode: 'verifier_fail' }] }] }));
    expect(await quietly(() => main(['quality', 'rescore', old, '--in-place', '--pack-file', packFile]))).toBe(0);
    const oldAgain = (await readResult(old)).packs[0]!.scenarios[0]!;
    expect(oldAgain.passed).toBe(true);
    expect('raw_body' in oldAgain).toBe(false);

    let shown = '';
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      shown += String(chunk);
      return true;
    });
    try {
      expect(await main(['quality', 'inspect', out, '--scenario', 'RAW-1', '--full'])).toBe(0);
    } finally {
      process.stdout.write = original;
    }
    expect(shown).toContain(`response body as received (not streamed, ${run.raw_body!.content_type}, ${sent.length} bytes):\n${run.raw_body!.text}`);
  });

  it('keeps the error body of a failing server on the failed scenario', async () => {
    const pack = await loadPackFile(packFile);
    const result = await runQuality(
      { endpoint: sim.url, model: BROKEN, packs: [pack], mode: 'custom', sampling: { thinkingControl: 'enable_thinking', thinkingMaxTokens: 1024, overrides: {}, fromServer: false }, timeoutPerCaseSeconds: 30, retries: 0 },
      { journal: memoryJournal() },
    );
    const run = result.packs[0]!.scenarios[0]!;
    expect(run.failure_mode).toBe('server_error');
    expect(run.status_code).toBe(503);
    expect(run.raw_response).toBeNull();
    expect(run.raw_body?.streamed).toBe(false);
    const error = JSON.parse(run.raw_body!.text!) as { error?: { message?: string } };
    expect(typeof error.error?.message).toBe('string');
    expect(run.detail).toContain(error.error!.message!);
  });
});
