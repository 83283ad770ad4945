// Issue 6's "done when" end to end: a sweep with the `reasoning` suite run by the REAL lm-eval
// (deploy/setup/install-lm-eval.sh) against the simulated endpoint, on the tiny local task in
// test/fixtures/lm-eval-task (scripted answers, so the score is known; nothing from the hub). The worker
// is a child process, SIGKILLed while lm-eval is halfway through; the next worker reaps the lm-eval
// process group the dead one left behind (workers/run.ts) and the retried suite resumes through
// lm-eval's --use_cache. Checked: the sweep result, the one published shard (a valid envelope with the
// scripted score) and the requests that reached the endpoint (/sim/stats).
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from '../../client/sim-server/server.js';
import { withConnection, sqlString } from '../../activities/dataset/duckdb.js';
import type { Envelope } from '../../workflows/shared/envelope.js';
import { validateEnvelope } from '../../activities/envelope/validate.js';
import { groupAlive, type RegistryEntry } from '../../activities/suites/external/process-registry.js';
import { ensureTool, projectRoot } from '../support/tools.js';
import { startHarness, type Harness } from '../workflows/harness.js';
import { startCli, stopChild, type Child } from './processes.js';
import { benchmarkSweep } from '../../workflows/benchmark-sweep.js';

const MODEL = 'sim-arith';
const CHAT = '/v1/chat/completions';
const taskDir = join(projectRoot, 'test/fixtures/lm-eval-task');
/** Kill the worker once this many of the task's questions reached the endpoint. */
const KILL_AT = 10;

interface Row {
  question: string;
  answer: string;
}

let h: Harness | undefined;
let sim: SimServer | undefined;
let dir: string;
let python: string;
let rows: Row[];
const children: Child[] = [];
const hostQueue = `lm-eval-e2e-${process.pid}`;

// Right unless the sum is a multiple of 5, then off by one: the expected exact_match is known up front.
const wrong = (row: Row) => Number(row.answer) % 5 === 0;

beforeAll(async () => {
  python = ensureTool('lm-eval');
  rows = (await readFile(join(taskDir, 'arith.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);
  dir = await mkdtemp(join(tmpdir(), 'ns-sweep-lm-eval-'));
  h = await startHarness();
  sim = await startSimServer({
    config: {
      seed: 1,
      models: [
        {
          id: MODEL,
          preload: true,
          // ~0.3 s per answer: slow enough that an orphaned lm-eval could not finish the task in the
          // seconds before the next worker reaps it, fast enough to keep the test short.
          ttft_ms: 250,
          decode_tokens_per_second: 400,
          scripts: rows.map((r) => ({ match: r.question, reply: `The answer is ${wrong(r) ? Number(r.answer) + 1 : Number(r.answer)}.` })),
        },
      ],
    },
  });
}, 600_000);

afterAll(async () => {
  for (const c of children) await stopChild(c, 'SIGKILL');
  await sim?.close();
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const chatRequests = () => sim!.stats().models[MODEL]?.routes[CHAT] ?? 0;
const registryDir = () => join(dir, 'state', 'pids');

async function worker(): Promise<Child> {
  const child = await startCli(['worker', '--host-queue', hostQueue, '--data-dir', join(dir, 'data'), '--dataset-dir', join(dir, 'dataset')], {
    TEMPORAL_ADDRESS: h!.server.address,
    TEMPORAL_NAMESPACE: 'default',
    // The pid-file registry the tool runner writes and the worker reaps at start: private to this test.
    NIGHTSHIFT_STATE_DIR: join(dir, 'state'),
    NIGHTSHIFT_LM_EVAL_PYTHON: python,
    HF_HOME: join(dir, 'hf-home'),
  });
  children.push(child);
  return child;
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 300_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function registered(): Promise<RegistryEntry[]> {
  const names = await readdir(registryDir()).catch(() => [] as string[]);
  const entries: RegistryEntry[] = [];
  for (const n of names.filter((f) => f.endsWith('.json'))) entries.push(JSON.parse(await readFile(join(registryDir(), n), 'utf8')) as RegistryEntry);
  return entries;
}

async function shardEnvelopes(): Promise<Array<{ file: string; envelope: unknown }>> {
  const files = (await readdir(join(dir, 'dataset', 'data')).catch(() => [] as string[])).filter((f) => f.endsWith('.parquet') && f.includes(`-reasoning-${MODEL}-`));
  const out: Array<{ file: string; envelope: unknown }> = [];
  for (const file of files) {
    const rowsJson = await withConnection(async (c) =>
      (await c.runAndReadAll(`SELECT DISTINCT envelope_json FROM read_parquet(${sqlString(join(dir, 'dataset', 'data', file))})`)).getRowObjectsJson(),
    );
    for (const r of rowsJson) out.push({ file, envelope: JSON.parse(r.envelope_json as string) });
  }
  return out;
}

describe('sweep with the lm-eval reasoning suite (real lm-eval, simulated endpoint)', () => {
  it('survives a SIGKILLed worker: orphan reaped at the next start, resumed from the cache, published once with the scripted score', async () => {
    const first = await worker();
    const handle = await h!.client.workflow.start(benchmarkSweep, {
      taskQueue: 'nightshift',
      workflowId: `lm-eval-e2e-${process.pid}`,
      args: [
        {
          models: [MODEL],
          suites: ['reasoning'],
          endpoint: sim!.url,
          hostQueue,
          warmUp: false,
          unload: false,
          heartbeatTimeoutSeconds: 10,
          suiteConfig: { reasoning: { tasks: ['nightshift_arith'], include_path: taskDir, allow_hub_downloads: false, gen_kwargs: { max_gen_toks: 32 } } },
        },
      ],
    });

    await waitFor(() => {
      if (first.process.exitCode !== null) throw new Error(`worker exited early:\n${first.output().slice(-3000)}`);
      return chatRequests() >= KILL_AT;
    }, `${KILL_AT} requests at the endpoint`);
    const [lmEval, ...others] = await registered();
    expect(others).toEqual([]);
    expect(lmEval?.ownerPid).toBe(first.process.pid);
    await stopChild(first, 'SIGKILL');
    const atKill = chatRequests();
    expect(atKill).toBeLessThan(rows.length);

    const second = await worker();
    // Either the group still ran and was killed, or it had ended by itself (lm-eval dies on its next write
    // to the dead worker's pipe) and only its pid file was left: both are logged by the start-up reap.
    const reapLine = new RegExp(`(reaped orphaned|removed stale registry entry of) tool process group ${lmEval!.pgid} `);
    await waitFor(() => reapLine.test(second.output()), 'the reap log line', 30_000).catch((error: unknown) => {
      throw new Error(`${error instanceof Error ? error.message : String(error)}; worker output:\n${second.output().slice(-3000)}`);
    });
    await waitFor(() => !groupAlive(lmEval!.pgid), 'the orphaned group to end', 10_000);
    expect(await registered()).toEqual([]);
    const atReap = chatRequests();

    const result = (await handle.result());
    expect(result.counts).toEqual({ passed: 1, failed: 0, skipped: 0 });
    const pair = result.models[0]?.suites[0];
    expect(pair?.state).toBe('passed');
    expect(pair?.attempt).toBe(2);

    const published = await shardEnvelopes();
    expect(published).toHaveLength(1);
    expect(pair?.shard).toContain(published[0]?.file);
    const checked = validateEnvelope(published[0]?.envelope);
    expect(checked.issues).toEqual([]);
    const envelope = published[0]?.envelope as Envelope;
    expect(envelope.suite).toBe('reasoning');
    expect(envelope.model).toBe(MODEL);
    const score = envelope.results.find((r) => r.name.includes('nightshift_arith') && r.metric.startsWith('exact_match'));
    expect(score?.value).toBeCloseTo(rows.filter((r) => !wrong(r)).length / rows.length, 6);
    expect((envelope.errors ?? []).join('\n')).toMatch(/from its cache of an earlier attempt/);

    // Resume measured at the endpoint: after the kill (orphan until reaped + the retried attempt) the
    // endpoint got fewer requests than the whole task needs; the retried attempt asked only for what the
    // cache did not hold: everything not yet answered plus at most the one answer in flight at the kill.
    const total = chatRequests();
    expect(total - atKill).toBeLessThan(rows.length);
    expect(total - atReap).toBeLessThanOrEqual(rows.length - atReap + 1);
    expect(total).toBeGreaterThanOrEqual(rows.length);
    const reaped = reapLine.exec(second.output())?.[1] === 'reaped orphaned' ? 'killed by the reap' : 'had ended by itself';
    console.log(`sweep lm-eval resume: the orphaned lm-eval group ${reaped}; ${atKill} requests before the kill, ${atReap - atKill} by the orphan until reaped, ${total - atReap} by the retried attempt; task size ${rows.length}`);
    await stopChild(second);
  }, 600_000);
});
