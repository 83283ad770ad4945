// A fleet sweep over real processes: one Temporal dev server, two simulated endpoints of different speeds,
// two host workers (one also the orchestration worker), and a third host whose worker never comes up.
// Checked: both hosts worked at the same time, every pair of the two live hosts published exactly once
// and tagged with its host, the host worker SIGKILLed mid-sweep and restarted cost nothing but a retry,
// and the dead host's pairs failed at once with the reason while the others went on.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnvelopes } from '../../activities/dataset/query.js';
import { benchmarkSweep } from '../../workflows/benchmark-sweep.js';
import { sweepResult } from '../../client/temporal/sweep-result.js';
import type { SweepResult } from '../../workflows/progress.js';
import { startHarness, type Harness } from '../workflows/harness.js';
import { startCli, stopChild, type Child } from './processes.js';

const MODELS = ['sim-f1', 'sim-f2'];
const suiteConfig = { ttft: { prompt_tokens: [16, 32, 48, 64], max_tokens: 2, concurrency: [1], repeats: 3, warmup_rounds: 0, calibrate_prompts: false } };
const simModel = (id: string, ttftMs: number) => ({ id, load_ms: 200, prefill_tokens_per_second: 100000, decode_tokens_per_second: 1000, ttft_ms: ttftMs, jitter: 0, reply_tokens: [2, 2] });

let h: Harness | undefined;
let dir = '';
const children: Child[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-fleet-'));
  h = await startHarness();
});

afterAll(async () => {
  for (const c of children) await stopChild(c, 'SIGKILL');
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function sim(name: string, ttftMs: number): Promise<string> {
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify({ seed: 1, max_loaded_models: 1, models: MODELS.map((m) => simModel(m, ttftMs)) }));
  const child = await startCli(['sim-server', '--config', file], {});
  children.push(child);
  return child.ready.url as string;
}

async function worker(queue: string, hostOnly: boolean): Promise<Child> {
  const child = await startCli(['worker', ...(hostOnly ? ['--host-only'] : []), '--host-queue', queue, '--data-dir', join(dir, `data-${queue}`), '--dataset-dir', join(dir, 'dataset')], {
    TEMPORAL_ADDRESS: h!.server.address,
    TEMPORAL_NAMESPACE: 'default',
  });
  children.push(child);
  return child;
}

async function journalLines(queue: string): Promise<number> {
  const root = join(dir, `data-${queue}`, 'journals');
  const files = (await readdir(root, { recursive: true }).catch(() => [] as string[])).filter((f) => f.endsWith('.jsonl'));
  return files.length;
}

describe('fleet sweep', { timeout: 300_000 }, () => {
  it('runs hosts in parallel, survives a host worker kill, and fails only the pairs of a host that never came up', async () => {
    const fast = await sim('fast', 60);
    const slow = await sim('slow', 150);
    const qa = `fleet-a-${process.pid}`;
    const qb = `fleet-b-${process.pid}`;
    const qc = `fleet-c-${process.pid}`;
    await worker(qa, false);
    let wb = await worker(qb, true);

    const id = `fleet-${process.pid}`;
    const handle = await h!.client.workflow.start(benchmarkSweep, {
      taskQueue: 'nightshift',
      workflowId: id,
      args: [{
        hosts: [
          { name: 'fast', hostQueue: qa, endpoint: fast },
          { name: 'slow', hostQueue: qb, endpoint: slow },
          { name: 'gone', hostQueue: qc, endpoint: fast, models: ['sim-f1'] },
        ],
        models: MODELS,
        suites: ['ttft'],
        suiteConfig,
        heartbeatTimeoutSeconds: 10,
        suiteAttempts: 5,
        tags: { rig: 'fleet-test' },
      }],
    });

    // Kill the slow host's worker once it has journaled work, then bring it back.
    for (let i = 0; i < 600 && (await journalLines(qb)) === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await journalLines(qb)).toBeGreaterThan(0);
    await stopChild(wb, 'SIGKILL');
    wb = await worker(qb, true);

    const result = await sweepResult(handle);
    expect((await handle.describe()).status.name).toBe('FAILED');
    const byName = new Map((result.hosts ?? []).map((x) => [x.name, x]));
    expect(byName.get('fast')).toMatchObject({ state: 'completed', counts: { passed: 2, failed: 0, skipped: 0 } });
    expect(byName.get('slow')).toMatchObject({ state: 'completed', counts: { passed: 2, failed: 0, skipped: 0 } });
    expect(byName.get('gone')).toMatchObject({ state: 'failed', counts: { passed: 0, failed: 1, skipped: 0 } });
    expect(result.counts).toEqual({ passed: 4, failed: 1, skipped: 0 });
    expect(result.failures).toEqual([expect.objectContaining({ host: 'gone', model: 'sim-f1', suite: 'ttft', error: expect.stringContaining(`no worker is polling host queue "${qc}"`) as unknown })]);

    // Every pair of the live hosts published exactly once, tagged with its host.
    const data = join(dir, 'dataset', 'data');
    const envelopes = [];
    for (const f of (await readdir(data)).filter((x) => x.endsWith('.parquet'))) envelopes.push(...(await readEnvelopes(join(data, f))));
    const pairs = envelopes.map((e) => `${e.results[0]?.tags?.host ?? '?'}/${e.model}/${e.suite}`).sort();
    expect(pairs).toEqual(['fast/sim-f1/ttft', 'fast/sim-f2/ttft', 'slow/sim-f1/ttft', 'slow/sim-f2/ttft']);
    expect(envelopes.every((e) => e.results.every((r) => r.tags?.rig === 'fleet-test'))).toBe(true);

    // Both hosts worked at the same time: their sweeps' pair windows overlap.
    const span = async (name: string) => {
      const hostResult = (await h!.client.workflow.getHandle(`${id}/${name}`).result()) as SweepResult;
      const suites = hostResult.models.flatMap((m) => m.suites);
      return { start: Math.min(...suites.map((s) => s.startedAt ?? Infinity)), end: Math.max(...suites.map((s) => s.finishedAt ?? 0)) };
    };
    const [a, b] = [await span('fast'), await span('slow')];
    expect(Math.min(a.end, b.end)).toBeGreaterThan(Math.max(a.start, b.start));
    await stopChild(wb);
  });
});
