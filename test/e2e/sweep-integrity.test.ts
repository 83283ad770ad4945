// Sweep integrity (issue 11): ways a sweep could publish numbers that are not its own, tried against a
// real Temporal dev server, real workers and the simulated endpoint. Each checks what was published and
// what reached the endpoint, not only that the sweep ended.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnvelopes } from '../../activities/dataset/query.js';
import { startSimServer, type SimServer } from '../../client/sim-server/server.js';
import { startWorkers, type RunningWorkers } from '../../workers/run.js';
import { WorkflowFailedError } from '@temporalio/client';
import { benchmarkSweep } from '../../workflows/benchmark-sweep.js';
import { sweepProgressQuery } from '../../workflows/definitions.js';
import { sweepResult } from '../../client/temporal/sweep-result.js';
import { startHarness, type Harness } from '../workflows/harness.js';
import { startCli, stopChild } from './processes.js';

const MODEL = 'sim-reuse';
const hostQueue = `integrity-${process.pid}`;
let h: Harness | undefined;
let sim: SimServer | undefined;
let workers: RunningWorkers | undefined;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-integrity-'));
  const harness = await startHarness();
  h = harness;
  sim = await startSimServer({
    config: {
      seed: 3,
      max_loaded_models: 4,
      models: [
        ...['sim-reuse', 'sim-second', 'sim-third'].map((id) => ({ id, preload: true, ttft_ms: 2, decode_tokens_per_second: 400 })),
        // A context window too small for one of the prompts a sweep asks for.
        { id: 'sim-short-context', preload: true, ttft_ms: 2, decode_tokens_per_second: 400, context_length: 256 },
      ],
    },
  });
  workers = await startWorkers({ target: harness.target, hostQueue, dataDir: join(dir, 'data'), dataset: join(dir, 'dataset') });
});

afterAll(async () => {
  await workers?.shutdown();
  await sim?.close();
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

const chatRequests = () => sim!.stats().models[MODEL]?.routes['/v1/chat/completions'] ?? 0;

function ttftSweep(workflowId: string, repeats: number) {
  return h!.client.workflow.start(benchmarkSweep, {
    taskQueue: 'nightshift',
    workflowId,
    args: [
      {
        models: [MODEL],
        suites: ['ttft'],
        endpoint: sim!.url,
        hostQueue,
        warmUp: false,
        unload: false,
        suiteConfig: { ttft: { prompt_tokens: [32], repeats, warmup_rounds: 0, calibrate_prompts: false, max_tokens: 4 } },
      },
    ],
  });
}

describe('sweep integrity', { timeout: 120_000 }, () => {
  it('a reused workflow id measures afresh: run 2 sends its own requests and publishes its own samples', async () => {
    const id = `reuse-${process.pid}`;
    const first = await ttftSweep(id, 2);
    expect((await first.result()).counts.passed).toBe(1);
    const before = chatRequests();
    const second = await ttftSweep(id, 5);
    expect((await second.result()).counts.passed).toBe(1);
    // Run 2's own five measured requests reached the endpoint (run 1's journal was not resumed from).
    expect(chatRequests() - before).toBe(5);
    const files = (await readdir(join(dir, 'dataset', 'data'))).filter((f) => f.includes(`-ttft-${MODEL}-`));
    expect(files).toHaveLength(2);
    const envelopes = (await Promise.all(files.map((f) => readEnvelopes(join(dir, 'dataset', 'data', f))))).flat();
    // Oldest first: run 1's shard holds its 2 samples, run 2's its own 5 (labelled with run 2's settings).
    const samples = envelopes
      .sort((a, b) => a.timestamp.localeCompare(b.timestamp))
      .map((e) => e.results.find((r) => r.name === 'ttft_ms_p32_c1')?.tags?.samples);
    expect(samples).toEqual(['2', '5']);
  });

  it('a suite that measured only part of its cells publishes them and fails its pair, with the reason, in the sweep', async () => {
    const id = `partial-${process.pid}`;
    const handle = await h!.client.workflow.start(benchmarkSweep, {
      taskQueue: 'nightshift',
      workflowId: id,
      args: [
        {
          models: ['sim-short-context'],
          suites: ['ttft'],
          endpoint: sim!.url,
          hostQueue,
          warmUp: false,
          unload: false,
          suiteConfig: { ttft: { prompt_tokens: [32, 2048], repeats: 2, warmup_rounds: 0, calibrate_prompts: false, max_tokens: 4 } },
        },
      ],
    });
    const result = await sweepResult(handle);
    expect(result.counts).toEqual({ passed: 0, failed: 1, skipped: 0 });
    const pair = result.models[0]?.suites[0];
    expect(pair?.state).toBe('failed');
    expect(pair?.error).toMatch(/1 of 2 cells produced no measurement/);
    expect(result.failures[0]).toMatchObject({ model: 'sim-short-context', suite: 'ttft' });
    // What was measured is published: the 32-token cell, and the envelope says what is missing.
    expect(pair?.shard).toBeDefined();
    const [envelope] = await readEnvelopes(pair!.shard!);
    expect(envelope?.results.some((r) => r.name === 'ttft_ms_p32_c1')).toBe(true);
    // The 2048-token cell has no figure, only the count of its failed requests and the server's reason.
    expect(envelope?.results.filter((r) => r.name.includes('_p2048_')).map((r) => [r.name, r.value])).toEqual([['failed_requests_p2048_c1', 2]]);
    expect(envelope?.errors?.join('\n')).toMatch(/p2048_c1: every request failed.*\n.*exceeds the available context size/);
  });

  it('two sweeps on one host run one after another: the second waits (visibly, with its place) until the first is done', async () => {
    const slow = { prompt_tokens: [32], repeats: 3, warmup_rounds: 0, calibrate_prompts: false, max_tokens: 64 };
    const start = (id: string) =>
      h!.client.workflow.start(benchmarkSweep, {
        taskQueue: 'nightshift',
        workflowId: `${id}-${process.pid}`,
        args: [{ models: [MODEL], suites: ['ttft', 'throughput'], endpoint: sim!.url, hostQueue, warmUp: false, unload: false, suiteConfig: { ttft: slow, throughput: { ...slow, concurrency: [1] } } }],
      });
    const first = await start('lease-a');
    await waitFor(async () => (await first.query(sweepProgressQuery)).state === 'running');
    const second = await start('lease-b');
    // 'waiting' is set when the sweep asks; its place arrives a moment later, signalled by the lease.
    await waitFor(async () => (await second.query(sweepProgressQuery)).waitingFor?.position !== undefined);
    expect((await second.query(sweepProgressQuery)).waitingFor).toMatchObject({ hostQueue, position: 1, holder: first.workflowId });
    await Promise.all([first.result(), second.result()]);
    // In the host queue's order of work: every activity of the first sweep before any of the second.
    const spans = await Promise.all([first, second].map((s) => childSpan(`${s.workflowId}/${MODEL}`)));
    expect(spans[0]!.end).toBeLessThanOrEqual(spans[1]!.start);
  });

  it('a host queue no worker polls is refused before anything runs', async () => {
    const handle = await h!.client.workflow.start(benchmarkSweep, {
      taskQueue: 'nightshift',
      workflowId: `nobody-${process.pid}`,
      args: [{ models: [MODEL], suites: ['ttft'], endpoint: sim!.url, hostQueue: `nobody-polls-${process.pid}` }],
    });
    const failure = await handle.result().then(() => undefined, (e: unknown) => e as WorkflowFailedError);
    expect(failure?.cause?.message).toContain(`hostQueue: no worker is polling host queue "nobody-polls-${process.pid}"`);
  });

  it('a host worker that goes away mid-sweep fails the remaining pairs with the reason instead of waiting forever', async () => {
    const queue = `vanishing-${process.pid}`;
    const hostOnly = await startWorkers({ target: h!.target, hostQueue: queue, orchestration: false, dataDir: join(dir, 'data-v') });
    const handle = await h!.client.workflow.start(benchmarkSweep, {
      taskQueue: 'nightshift',
      workflowId: `vanishing-${process.pid}`,
      args: [{ models: [MODEL, 'sim-second', 'sim-third'], suites: ['ttft'], endpoint: sim!.url, hostQueue: queue, warmUp: false, unload: false, hostPickupSeconds: 3,
        suiteConfig: { ttft: { prompt_tokens: [32], repeats: 1, warmup_rounds: 0, calibrate_prompts: false, max_tokens: 4 } } }],
    });
    await waitFor(async () => (await handle.query(sweepProgressQuery)).models[0]?.state === 'passed');
    await hostOnly.shutdown();
    const result = await sweepResult(handle);
    expect(result.models.map((m) => m.state)).toEqual(['passed', 'failed', 'failed']);
    for (const m of result.models.slice(1)) expect(m.suites[0]?.error).toContain(`no worker is polling host queue "${queue}"`);
  });

  it('a second host worker on the same host queue refuses to start (exit 2), naming the first', async () => {
    const error = await startCli(['worker', '--host-only', '--host-queue', hostQueue], { TEMPORAL_ADDRESS: h!.server.address }).then(
      async (w) => {
        await stopChild(w);
        return undefined;
      },
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain('exited 2 before it was ready');
    expect(error?.message).toMatch(new RegExp(`another host worker \\(${process.pid}@[^)]+\\) polls host queue "${hostQueue}"`));
  });

  it('of two host workers started at the same moment on one queue, exactly one keeps running', async () => {
    const queue = `twins-${process.pid}`;
    // Both start at once, so both pass the check at start (neither polls yet); once both poll, one stops.
    const twins = await Promise.allSettled(
      ['twin-a', 'twin-b'].map((name) => startWorkers({ target: h!.target, hostQueue: queue, orchestration: false, dataDir: join(dir, name), identity: `${name}@test` })),
    );
    const started = twins.flatMap((t) => (t.status === 'fulfilled' ? [t.value] : []));
    try {
      // The one that gives way stops once its open long poll returns (up to about a minute).
      const settled = started.map(() => false);
      const stops = started.map((w, i) => w.done.then(() => new Error('stopped without a reason'), (e: unknown) => e as Error).finally(() => (settled[i] = true)));
      const refused = twins.filter((t) => t.status === 'rejected').map((t) => t.reason as Error);
      if (refused.length === 0) refused.push(await Promise.race([...stops, new Promise<Error>((r) => setTimeout(() => r(new Error('neither stopped within 90 s')), 90_000))]));
      expect(refused).toHaveLength(1);
      expect(refused[0]?.message).toMatch(new RegExp(`another host worker \\(twin-a@test\\) (started polling|polls) host queue "${queue}"`));
      expect(settled.filter((done) => !done)).toHaveLength(1);
    } finally {
      for (const w of started) await w.shutdown().catch(() => undefined);
    }
  });
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not reached');
}

/** When a child's first host activity was scheduled and its last one closed (from its history). */
async function childSpan(workflowId: string): Promise<{ start: number; end: number }> {
  const events = (await h!.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const times = events
    .filter((e) => e.activityTaskStartedEventAttributes ?? e.activityTaskCompletedEventAttributes)
    .map((e) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6));
  return { start: Math.min(...times), end: Math.max(...times) };
}
