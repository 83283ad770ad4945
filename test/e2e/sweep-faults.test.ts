// Fault tests of the whole sweep path: real Temporal dev server, real workers and the real simulated
// endpoint as separate processes, the real ttft suite, real publishing. Each test checks what was
// published (shards), what the journal holds, what reached the endpoint (/sim/stats) and the result.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnvelopes } from '../../activities/dataset/query.js';
import { journalPath } from '../../activities/sweep/paths.js';
import { startDevServer } from '../../client/temporal/dev-server.js';
import { ensureTool } from '../support/tools.js';
import { startHarness, type Harness } from '../workflows/harness.js';
import { startCli, stopChild, type Child } from './processes.js';
import { benchmarkSweep } from '../../workflows/benchmark-sweep.js';
import { sweepResult } from '../../client/temporal/sweep-result.js';

const CELLS = [16, 24, 32, 40, 48, 56];
const REPEATS = 3; // requests per journaled cell: the checkpoint interval
const suiteConfig = { ttft: { prompt_tokens: CELLS, max_tokens: 2, concurrency: [1], repeats: REPEATS, warmup_rounds: 0, calibrate_prompts: false } };
const simModel = (id: string, faults: Record<string, number> = {}) => ({
  id, load_ms: 20, prefill_tokens_per_second: 100000, decode_tokens_per_second: 2000, ttft_ms: 150, jitter: 0, reply_tokens: [2, 2], faults,
});

let h: Harness | undefined;
let dir: string;
let dbFile: string;
const children: Child[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-faults-'));
  dbFile = join(dir, 'temporal.sqlite');
  h = await startHarness(dbFile);
});

afterAll(async () => {
  for (const c of children) await stopChild(c, 'SIGKILL');
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function sim(models: object[], port = 0): Promise<Child> {
  const file = join(dir, `sim-${models.length}-${Date.now()}.json`);
  await writeFile(file, JSON.stringify({ seed: 1, max_loaded_models: 1, models }));
  const child = await startCli(['sim-server', '--port', String(port), '--config', file], {});
  children.push(child);
  return child;
}

/** `_name` only labels the call site (which worker of the test this is). */
async function worker(_name: string): Promise<Child> {
  const child = await startCli(['worker', '--host-queue', `faults-${process.pid}`, '--data-dir', join(dir, 'data'), '--dataset-dir', join(dir, 'dataset')], {
    TEMPORAL_ADDRESS: h!.server.address,
    TEMPORAL_NAMESPACE: 'default',
  });
  child.process.stderr?.on('data', () => {});
  children.push(child);
  return child;
}

async function simStats(url: string, model: string): Promise<number> {
  const stats = (await (await fetch(`${url}/sim/stats`)).json()) as { models: Record<string, { routes: Record<string, number> }> };
  return stats.models[model]?.routes['/v1/chat/completions'] ?? 0;
}

async function shards(suite: string, model: string): Promise<string[]> {
  const files = await readdir(join(dir, 'dataset', 'data')).catch(() => [] as string[]);
  return files.filter((f) => f.endsWith('.parquet') && f.includes(`-${suite}-${model}-`));
}

/** The journaled samples of the child's ttft suite (its identity line left out). */
async function journalLines(workflowId: string): Promise<string[]> {
  const runId = (await h!.client.workflow.getHandle(workflowId).describe().catch(() => undefined))?.runId;
  if (runId === undefined) return [];
  const text = await readFile(journalPath(join(dir, 'data'), { workflowId, runId, activityId: 'suite-ttft' }), 'utf8').catch(() => '');
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('{"k":"__identity__"'));
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let n = 0;
function startSweep(models: string[], endpoint: string, extra: object = {}) {
  return h!.client.workflow.start(benchmarkSweep, {
    taskQueue: 'nightshift',
    workflowId: `faults-${process.pid}-${++n}`,
    args: [{ models, suites: ['ttft'], endpoint, hostQueue: `faults-${process.pid}`, suiteConfig, heartbeatTimeoutSeconds: 10, unload: false, ...extra }],
  });
}

describe('sweep fault tolerance', { timeout: 180_000 }, () => {
  it('survives SIGKILL of the worker mid-suite: published once, at most one cell re-run', async () => {
    const endpoint = await sim([simModel('sim-base'), simModel('sim-kill')]);
    const url = endpoint.ready.url as string;
    let w = await worker('first');

    // Baseline: the same suite without faults, to know how many requests a clean run sends.
    const base = (await (await startSweep(['sim-base'], url)).result());
    expect(base.counts).toEqual({ passed: 1, failed: 0, skipped: 0 });
    const clean = await simStats(url, 'sim-base');

    const handle = await startSweep(['sim-kill'], url);
    const childId = `${handle.workflowId}/sim-kill`;
    await waitFor(async () => (await journalLines(childId)).length >= 2, 'two journaled cells');
    await stopChild(w, 'SIGKILL');
    const before = (await journalLines(childId)).length;
    expect(before).toBeLessThan(CELLS.length);
    w = await worker('second');

    const result = (await handle.result());
    expect(result.counts).toEqual({ passed: 1, failed: 0, skipped: 0 });
    const pair = result.models[0]?.suites[0];
    expect(pair?.attempt).toBe(2);
    expect(await shards('ttft', 'sim-kill')).toHaveLength(1);
    const lines = await journalLines(childId);
    expect(lines).toHaveLength(CELLS.length);
    expect(new Set(lines.map((l) => (JSON.parse(l) as { k: string }).k)).size).toBe(CELLS.length);
    const sent = await simStats(url, 'sim-kill');
    expect(sent - clean).toBeGreaterThanOrEqual(0);
    expect(sent - clean).toBeLessThanOrEqual(REPEATS);
    await stopChild(w);
  });

  it('survives a Temporal server restart mid-suite on the same database', async () => {
    const endpoint = await sim([simModel('sim-restart')]);
    const url = endpoint.ready.url as string;
    const w = await worker('restart');
    const handle = await startSweep(['sim-restart'], url);
    const childId = `${handle.workflowId}/sim-restart`;
    await waitFor(async () => (await journalLines(childId)).length >= 2, 'two journaled cells');
    const port = h!.server.port;
    await h!.server.stop();
    await new Promise((r) => setTimeout(r, 1500));
    h!.server = await startDevServer({ temporalPath: ensureTool('temporal'), uiPort: false, dbFile, port });

    const result = (await handle.result());
    expect(result.counts).toEqual({ passed: 1, failed: 0, skipped: 0 });
    expect(await shards('ttft', 'sim-restart')).toHaveLength(1);
    // The simulated server is its own process here, so the suite's peak memory reaches the envelope.
    const [envelope] = await readEnvelopes(join(dir, 'dataset', 'data', (await shards('ttft', 'sim-restart'))[0]!));
    expect(envelope!.memory_snapshots?.some((m) => m.phase === 'peak' && m.rss_gb > 0)).toBe(true);
    expect(envelope!.results.filter((r) => r.name !== 'model_load').every((r) => (r.peak_rss_mb ?? 0) > 0)).toBe(true);
    const lines = await journalLines(childId);
    expect(new Set(lines.map((l) => (JSON.parse(l) as { k: string }).k)).size).toBe(CELLS.length);
    expect(lines).toHaveLength(CELLS.length);
    // Every cell ran once, plus at most the cell in flight if the completion was lost and the suite re-ran.
    expect(await simStats(url, 'sim-restart')).toBeLessThanOrEqual(CELLS.length * REPEATS + 1 + REPEATS);
    await stopChild(w);
  });

  it('a model server down for 20 s: the suite waits, goes on from its journal and completes in one attempt; down for good: fails after the outage tolerance and the sweep goes on', async () => {
    // Crash on the 8th chat request (warm-up + two cells + one request): mid-suite. Restart it 20 s later.
    const first = await sim([simModel('sim-crash', { crash_on_request: 8 })]);
    const url = first.ready.url as string;
    const port = Number(new URL(url).port);
    const w = await worker('crash');
    const handle = await startSweep(['sim-crash'], url);
    expect(await first.exited).toBe(70);
    await new Promise((r) => setTimeout(r, 20_000));
    await sim([simModel('sim-crash')], port);
    const result = (await handle.result());
    expect(result.counts).toEqual({ passed: 1, failed: 0, skipped: 0 });
    // The outage cost a pause, not an attempt, and it is written down in the published envelope.
    expect(result.models[0]?.suites[0]?.attempt).toBe(1);
    const [shard] = await shards('ttft', 'sim-crash');
    const [envelope] = await readEnvelopes(join(dir, 'dataset', 'data', shard!));
    expect((envelope!.errors ?? []).join('\n')).toMatch(/stopped answering .*back after \d+ s/);
    expect(await shards('ttft', 'sim-crash')).toHaveLength(1);

    // Permanent: the server dies and stays down. Each attempt waits out the outage tolerance, the suite fails
    // after suiteAttempts with its reason; the next model is still attempted (it cannot load: the endpoint
    // is gone) and the sweep completes.
    const dying = await sim([simModel('sim-dead', { crash_on_request: 4 }), simModel('sim-next')]);
    const deadUrl = dying.ready.url as string;
    const permanent = await startSweep(['sim-dead', 'sim-next'], deadUrl, { suiteAttempts: 2, outageToleranceSeconds: 3 });
    // Ran with failed pairs: the sweep ends Failed and carries its result.
    const final = await sweepResult(permanent);
    expect((await permanent.describe()).status.name).toBe('FAILED');
    const [dead, next] = final.models;
    expect(dead?.suites[0]?.state).toBe('failed');
    expect(dead?.suites[0]?.attempt).toBe(2);
    expect(dead?.suites[0]?.error).toMatch(/stopped answering and did not come back within the outage tolerance \(3 s\)/);
    expect(next?.state).toBe('failed');
    expect(next?.suites[0]?.error).toMatch(/did not load/);
    expect(await shards('ttft', 'sim-dead')).toHaveLength(0);
    await stopChild(w);
  });

  it('bad input through `temporal workflow start` fails at once with every problem listed', async () => {
    const temporal = ensureTool('temporal');
    const w = await worker('cli');
    const id = `bad-input-${process.pid}`;
    const run = promisify(execFile);
    await run(temporal, ['workflow', 'start', '--address', h!.server.address, '--type', 'benchmarkSweep', '--task-queue', 'nightshift', '--workflow-id', id,
      '--input', JSON.stringify({ models: [], suites: ['throughput', 'bogus'], endpoint: 'not a url', extra: 1 })]);
    const shown = await run(temporal, ['workflow', 'result', '--address', h!.server.address, '--workflow-id', id, '--output', 'json']).then((r) => r.stdout, (e: unknown) => (e as { stdout?: string }).stdout ?? '');
    expect(shown).toContain('InvalidSweepInput');
    for (const text of ['models: must not be empty', 'suites[1]: unknown suite \\"bogus\\"', 'endpoint: expected an http:// or https:// URL', 'extra: unknown key']) {
      expect(shown).toContain(text);
    }
    const history = await h!.client.workflow.getHandle(id).fetchHistory();
    // Only the early, light check ran: no model was loaded.
    expect(history.events?.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? [])).toEqual(['checkSweep']);
    expect((await h!.client.workflow.getHandle(id).describe()).status.name).toBe('FAILED');
    await stopChild(w);
  });
});
