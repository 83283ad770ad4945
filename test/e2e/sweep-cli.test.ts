// The sweep CLI end to end: `nightshift sweep start --config --wait`, `status --json`, `list`, and
// `retry` of a finished sweep (a new sweep of only the failed pair, linked by retryOf), against a real
// dev server, a worker process and the simulated endpoint (one model it serves, one it does not).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SweepProgress, SweepResult } from '../../workflows/progress.js';
import { sweepResult } from '../../client/temporal/sweep-result.js';
import { startSweep } from '../../client/temporal/sweeps.js';
import { startWorkers } from '../../workers/run.js';
import { sweepProgressQuery } from '../../workflows/definitions.js';
import { projectRoot } from '../support/tools.js';
import { startHarness, type Harness } from '../workflows/harness.js';
import { startCli, stopChild, type Child } from './processes.js';

let h: Harness | undefined;
let dir: string;
const children: Child[] = [];
const run = promisify(execFile);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-cli-'));
  h = await startHarness();
});

afterAll(async () => {
  for (const c of children) await stopChild(c, 'SIGKILL');
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const model = (id: string, faults: Record<string, number> = {}) => ({ id, load_ms: 10, prefill_tokens_per_second: 100000, decode_tokens_per_second: 2000, ttft_ms: 20, jitter: 0, reply_tokens: [2, 2], faults });

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [`${projectRoot}client/bin/nightshift.mjs`, ...args], { cwd: projectRoot, env: { ...process.env, TEMPORAL_ADDRESS: h!.server.address } }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: unknown) => {
      // execFile rejects with an Error that carries the exit code and the output.
      const { code, stdout, stderr } = e as { code: number; stdout: string; stderr: string };
      return { code, stdout, stderr };
    },
  );
}

describe('nightshift sweep', { timeout: 120_000 }, () => {
  it('starts from a TOML file, waits, reports, and retries only the failed pair of the finished sweep', async () => {
    await writeFile(join(dir, 'sim.json'), JSON.stringify({ seed: 1, max_loaded_models: 1, models: [model('sim-ok')] }));
    const sim = await startCli(['sim-server', '--config', join(dir, 'sim.json')], {});
    children.push(sim);
    const worker = await startCli(['worker', '--host-queue', `cli-${process.pid}`, '--data-dir', join(dir, 'data'), '--dataset-dir', join(dir, 'dataset'), '--log-format', 'json'], { TEMPORAL_ADDRESS: h!.server.address });
    children.push(worker);
    await writeFile(
      join(dir, 'sweep.toml'),
      [
        `models = ["sim-ok", "sim-missing"]`,
        `suites = ["ttft"]`,
        `endpoint = "${sim.ready.url as string}"`,
        `hostQueue = "cli-${process.pid}"`,
        `warmUp = false`,
        `suiteAttempts = 1`,
        `[suiteConfig.ttft]`,
        `prompt_tokens = [16]`,
        `repeats = 2`,
        `calibrate_prompts = false`,
      ].join('\n'),
    );

    const started = await cli(['sweep', 'start', '--config', join(dir, 'sweep.toml'), '--wait', '--format', 'json', '--id', 'cli-sweep']);
    const result = JSON.parse(started.stdout) as SweepResult;
    expect(started.code).toBe(5); // ran, but a pair failed
    expect(result.counts).toEqual({ passed: 1, failed: 1, skipped: 0 });
    expect(result.models[0]?.suites[0]?.shard).toMatch(/run-.*-ttft-sim-ok-[0-9a-f]{8}\.parquet$/);
    expect(result.models[1]?.suites[0]?.error).toMatch(/did not load.*sim-missing/);
    // Not a terminal: progress is a line per pair event on stderr, the reason on the failed one.
    expect(started.stderr).toMatch(/Z sim-ok · ttft passed\n/);
    expect(started.stderr).toMatch(/Z sim-missing · ttft failed: .*sim-missing/);

    // The Web UI shows a workflow's current details: the failed model's says why.
    const meta = await h!.client.workflow.getHandle('cli-sweep/sim-missing').query<{ currentDetails: string }>('__temporal_workflow_metadata');
    expect(meta.currentDetails).toMatch(/^sim-missing: failed — ttft: .*did not load/);

    const status = JSON.parse((await cli(['sweep', 'status', 'cli-sweep', '--format', 'json'])).stdout) as SweepProgress;
    expect(status.state).toBe('completed');
    expect(status.models.map((m) => m.state)).toEqual(['passed', 'failed']);

    const retried = await cli(['sweep', 'retry', 'cli-sweep']);
    expect(retried.code).toBe(0);
    const retryId = retried.stdout.trim();
    expect(retryId).toMatch(/^cli-sweep-retry-/);
    const retry = await sweepResult(h!.client.workflow.getHandle(retryId));
    expect(retry.retryOf).toBe('cli-sweep');
    expect(retry.models.map((m) => m.model)).toEqual(['sim-missing']);
    expect((await h!.client.workflow.getHandle(retryId).describe()).memo).toMatchObject({ retryOf: 'cli-sweep' });

    // --log-format json: every line the worker logged (the SDK's too) is one JSON object.
    const logged = worker.output().trim().split('\n');
    expect(logged.length).toBeGreaterThan(0);
    for (const line of logged) expect(JSON.parse(line)).toMatchObject({ command: 'worker', msg: expect.any(String) as string });
    expect(logged.some((l) => l.includes('"msg":"Worker state changed"'))).toBe(true);

    // A table with a header and each ended sweep's pair counts; the same rows as JSON.
    const listed = await cli(['sweep', 'list']);
    expect(listed.stdout).toMatch(/sweep\s+│ status\s+│ started \(UTC\)\s+│ models × suites │ passed │ failed │ skipped │ retry of/);
    expect(listed.stdout).toMatch(/│ cli-sweep\s+│ FAILED\s+│ [\d-]+ [\d:]+\s+│ 2 × 1\s+│ 1\s+│ 1\s+│ 0\s+│/);
    const rows = JSON.parse((await cli(['sweep', 'list', '--format', 'json'])).stdout) as Array<{ sweepId: string; status: string; counts?: object; retryOf?: string }>;
    expect(rows.find((r) => r.sweepId === 'cli-sweep')).toMatchObject({ status: 'FAILED', models: 2, suites: 1, counts: { passed: 1, failed: 1, skipped: 0 } });
    expect(rows.find((r) => r.sweepId === retryId)).toMatchObject({ retryOf: 'cli-sweep' });

    const bad = await cli(['sweep', 'start', '--config', join(dir, 'missing.toml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('missing.toml');
    await stopChild(worker);
  });

  it('refuses bad flags before starting anything, and a skip of a model the sweep does not have', async () => {
    const emptyQueue = await cli(['sweep', 'start', '--config', join(dir, 'sweep.toml'), '--host-queue', '']);
    expect(emptyQueue.code).toBe(2);
    expect(emptyQueue.stderr).toContain('--host-queue: expected a task queue name, got an empty string');
    const longId = await cli(['sweep', 'start', '--config', join(dir, 'sweep.toml'), '--id', 'x'.repeat(2000)]);
    expect(longId.code).toBe(2);
    expect(longId.stderr).toContain("--id: at most 1000 characters (Temporal's limit for workflow ids), got 2000");

    // A running sweep (no worker picks it up here, so it stays running) with two models.
    const handle = await startSweep(h!.client, { models: ['sim-a', 'sim-b'], suites: ['ttft'], endpoint: 'http://127.0.0.1:9', hostQueue: `idle-${process.pid}` }, `skip-${process.pid}`);
    const typo = await cli(['sweep', 'skip', handle.workflowId, '--model', 'sim-c']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(`--model: sweep ${handle.workflowId} has no model "sim-c"; its models: sim-a, sim-b`);
    expect((await cli(['sweep', 'skip', handle.workflowId, '--model', 'sim-b'])).code).toBe(0);
    await handle.terminate('test done');
    const finished = await cli(['sweep', 'skip', handle.workflowId, '--model', 'sim-a']);
    expect(finished.code).toBe(2);
    expect(finished.stderr).toContain(`sweep ${handle.workflowId} is not running (terminated)`);
    const unknown = await cli(['sweep', 'skip', 'no-such-sweep', '--model', 'sim-a']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no-such-sweep/);
  });

  // The workflow's memo keeps only the first 50 models (for list views): a skip of the 51st must still be
  // taken, and a typo must count every model.
  it('start --wait on a sweep cancelled elsewhere prints what it had done and exits 6', async () => {
    const queue = `cancel-${process.pid}`;
    const workers = await startWorkers({ target: h!.target, hostQueue: queue, dataDir: join(dir, 'data-cancel'), dataset: join(dir, 'dataset-cancel') });
    try {
      // Nothing answers at the endpoint: the first model waits for its server until the cancel.
      await writeFile(join(dir, 'cancel.toml'), [`models = ["sim-a", "sim-b"]`, `suites = ["ttft"]`, `endpoint = "http://127.0.0.1:9"`, `hostQueue = "${queue}"`].join('\n'));
      const id = `cancel-${process.pid}`;
      const waiting = cli(['sweep', 'start', '--config', join(dir, 'cancel.toml'), '--wait', '--id', id]);
      const handle = h!.client.workflow.getHandle(id);
      await expect.poll(async () => (await handle.query(sweepProgressQuery, { offset: 0, limit: 10 })).models[0]?.state, { timeout: 60_000 }).toBe('running');
      expect((await cli(['sweep', 'cancel', id])).code).toBe(0);
      const ended = await waiting;
      expect(ended.code).toBe(6);
      expect(ended.stderr).toContain(`nightshift: sweep ${id} was cancelled before it finished`);
      expect(ended.stderr).not.toContain('unexpected error');
      expect(ended.stdout).toMatch(/sim-a.*ttft.*skipped.*sweep cancelled/s);
      // status says the same afterwards: nothing is left "running".
      const status = JSON.parse((await cli(['sweep', 'status', id, '--format', 'json'])).stdout) as SweepProgress;
      expect(status.state).toBe('cancelled');
      expect(status.models.map((m) => m.state)).toEqual(['cancelled', 'cancelled']);
    } finally {
      await workers.shutdown();
    }
  });

  it('skips any model of a running sweep of more than 50 models', async () => {
    const queue = `big-${process.pid}`;
    const workers = await startWorkers({ target: h!.target, hostQueue: queue, dataDir: join(dir, 'data-skip'), dataset: join(dir, 'dataset-skip') });
    try {
      const models = Array.from({ length: 60 }, (_, i) => `sim-m${i + 1}`);
      const handle = await startSweep(h!.client, { models, suites: ['ttft'], endpoint: 'http://127.0.0.1:9', hostQueue: queue }, `skip-big-${process.pid}`);
      // Nothing answers at the endpoint, so the sweep stays running. Once it answers the progress query it
      // has passed its checks and written its own memo.
      await expect.poll(async () => (await handle.query(sweepProgressQuery, { offset: 0, limit: 1 })).totals.models, { timeout: 30_000 }).toBe(60);
      const last = await cli(['sweep', 'skip', handle.workflowId, '--model', 'sim-m60']);
      expect(last.stderr).toBe(`asked ${handle.workflowId} to skip sim-m60\n`);
      expect(last.code).toBe(0);
      const typo = await cli(['sweep', 'skip', handle.workflowId, '--model', 'sim-m61']);
      expect(typo.code).toBe(2);
      expect(typo.stderr).toContain('(60 in all)');
      await handle.terminate('test done');
    } finally {
      await workers.shutdown();
    }
  });
});
