// A whole sweep against the programs users run, nothing simulated: a Temporal dev server, the worker as
// its own process, REAL llama-swap v250 in front of REAL llama.cpp llama-server with a real GGUF (Gemma 3
// 270M Q4_K_M), served under two model ids with different settings so llama-swap really swaps, and the
// suites throughput, ttft, tool-calling (Nightshift's packs) and reasoning (REAL lm-eval on the local task
// in test/fixtures/lm-eval-task). Checked: every pair published once as a valid envelope, with the model's
// load time (cold for the first suite), the memory of the llama-server process tree, and the server's own
// token counts, its quantization (Q4_K_M) and the server's settings. The model is tiny and the machine shared: no assertion on speed or on answers.
//
// Not skippable: every program is installed by deploy/setup (CI runs them before the tests).
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnvelopes } from '../../activities/dataset/query.js';
import { validateEnvelope } from '../../activities/envelope/validate.js';
import type { Envelope } from '../../workflows/shared/envelope.js';
import { benchmarkSweep } from '../../workflows/benchmark-sweep.js';
import { sweepResult } from '../../client/temporal/sweep-result.js';
import { ensureTool, projectRoot } from '../support/tools.js';
import { startHarness, type Harness } from '../workflows/harness.js';
import { freePort } from '../activities/llama-swap/render-config.js';
import { startLlamaSwap, type RunningLlamaSwap } from '../activities/llama-swap/start-llama-swap.js';
import { startCli, stopChild, type Child } from './processes.js';

/** Two ids for one GGUF: 4096 context in 2 slots, and 2048 context in 1 slot. */
const BIG = 'gemma3-270m';
const SMALL = 'gemma3-270m-c2k';
const taskDir = join(projectRoot, 'test/fixtures/lm-eval-task');

let h: Harness | undefined;
let swap: RunningLlamaSwap | undefined;
let dir = '';
let python = '';
const children: Child[] = [];

beforeAll(async () => {
  const llamaServer = ensureTool('llama-server');
  const gguf = ensureTool('gguf');
  python = ensureTool('lm-eval');
  dir = await mkdtemp(join(tmpdir(), 'ns-real-peers-'));
  h = await startHarness();
  const entry = async (context: number, slots: number, alias: string) => {
    const port = await freePort();
    return {
      cmd: `"${llamaServer}" -m "${gguf}" --host 127.0.0.1 --port ${port} -c ${context} -np ${slots} --alias ${alias} --jinja`,
      proxy: `http://127.0.0.1:${port}`,
      checkEndpoint: '/health',
    };
  };
  swap = await startLlamaSwap({ healthCheckTimeout: 120, models: { [BIG]: await entry(4096, 2, BIG), [SMALL]: await entry(2048, 1, SMALL) } });
}, 900_000);

afterAll(async () => {
  for (const c of children) await stopChild(c, 'SIGKILL');
  await swap?.stop();
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const suiteConfig = {
  throughput: { prompt_tokens: [64], max_tokens: 16, concurrency: [1, 2], repeats: 2, warmup_rounds: 0, request_timeout_s: 120 },
  ttft: { prompt_tokens: [32, 256], max_tokens: 4, concurrency: [1], repeats: 2, warmup_rounds: 0, request_timeout_s: 120 },
  'tool-calling': { packs: ['ns-toolcall-15'], scenarios: ['TC-01', 'TC-02', 'TC-03'], timeout_per_case: 10, thinking: 'off' },
  reasoning: { tasks: ['nightshift_arith'], include_path: taskDir, allow_hub_downloads: false, limit: 8, gen_kwargs: { max_gen_toks: 8 } },
};

async function published(dataset: string): Promise<Envelope[]> {
  const data = join(dataset, 'data');
  const files = (await readdir(data).catch(() => [] as string[])).filter((f) => f.endsWith('.parquet'));
  const out: Envelope[] = [];
  for (const f of files) out.push(...(await readEnvelopes(join(data, f))));
  return out;
}

describe('a sweep against real llama-swap, llama-server and lm-eval', { timeout: 1_500_000 }, () => {
  it('publishes every pair once, valid, with load time, llama-server memory and the server\'s token counts', async () => {
    const hostQueue = `real-peers-${process.pid}`;
    const dataset = join(dir, 'dataset');
    const worker = await startCli(['worker', '--host-queue', hostQueue, '--data-dir', join(dir, 'data'), '--dataset-dir', dataset], {
      TEMPORAL_ADDRESS: h!.server.address,
      TEMPORAL_NAMESPACE: 'default',
      NIGHTSHIFT_STATE_DIR: join(dir, 'state'),
      NIGHTSHIFT_LM_EVAL_PYTHON: python,
      HF_HOME: join(dir, 'hf-home'),
    });
    children.push(worker);
    const pairs = [
      ...['throughput', 'ttft', 'tool-calling', 'reasoning'].map((suite) => ({ model: BIG, suite })),
      { model: SMALL, suite: 'ttft' },
    ];
    const handle = await h!.client.workflow.start(benchmarkSweep, {
      taskQueue: 'nightshift',
      workflowId: `real-peers-${process.pid}`,
      args: [{ models: [BIG, SMALL], suites: ['throughput', 'ttft', 'tool-calling', 'reasoning'], pairs, endpoint: swap!.url, hostQueue, suiteConfig, suiteAttempts: 2, tags: { rig: 'ci' }, quantizations: { [SMALL]: 'Q4_K_M' } }],
    });
    const result = await sweepResult(handle).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}\nworker:\n${worker.output().slice(-4000)}\nllama-swap:\n${swap!.log().slice(-4000)}`);
    });
    expect(result.counts, JSON.stringify(result.models.map((m) => m.suites.map((s) => [m.model, s.suite, s.state, s.error])))).toEqual({ passed: 5, failed: 0, skipped: 0 });

    // Where the time goes (the test's cost in CI is written down in docs/performance.md).
    for (const m of result.models) for (const s of m.suites) console.log(`${m.model} ${s.suite}: ${((s.finishedAt ?? 0) - (s.startedAt ?? 0)) / 1000} s`);

    const envelopes = await published(dataset);
    expect(envelopes.map((e) => `${e.model}/${e.suite}`).sort()).toEqual(pairs.map((p) => `${p.model}/${p.suite}`).sort());
    for (const envelope of envelopes) {
      const where = `${envelope.model}/${envelope.suite}`;
      expect(validateEnvelope(envelope).issues, where).toEqual([]);
      // Load time: a model_load result in every envelope of the model, cold when this sweep loaded it.
      const load = envelope.results.find((r) => r.name === 'model_load');
      expect(load?.value, where).toBeGreaterThan(0);
      expect(load?.tags?.load, where).toMatch(/^(cold|warm)$/);
      // Memory of the serving process tree (llama-swap and its llama-server child), in GB.
      const peak = envelope.memory_snapshots?.find((m) => m.phase === 'peak');
      expect(peak?.rss_gb, where).toBeGreaterThan(0.1);
      expect(envelope.results.every((r) => r.tags?.rig === 'ci'), where).toBe(true);
      // Quantization: from llama-server's /props (model_ftype "Q4_K - Medium", read through llama-swap's
      // /upstream/<model>/props), or as the sweep input gave it; the server's settings as tags.
      expect(envelope.quantization, where).toBe('Q4_K_M');
      const tags = envelope.results[0]?.tags ?? {};
      expect(tags.quantization_source, where).toBe(envelope.model === SMALL ? 'explicit' : 'server');
      expect(tags.server_slots, where).toBe(envelope.model === SMALL ? '1' : '2');
      expect(tags.server_ctx_per_slot, where).toBe('2048');
      expect(tags.server_model_file, where).toBe('gemma-3-270m-q4_k_m.gguf');
      expect(tags.server_build, where).toMatch(/^b\d+/);
    }
    // The first model was loaded cold by this sweep; swapping to the second loaded it cold as well.
    const byPair = new Map(envelopes.map((e) => [`${e.model}/${e.suite}`, e]));
    expect(byPair.get(`${SMALL}/ttft`)?.results.find((r) => r.name === 'model_load')?.tags?.load).toBe('cold');

    // Memory: the reading after load in every envelope; the reading after release in the model's last one.
    for (const e of envelopes) expect(e.memory_snapshots?.some((m) => m.phase === 'loaded'), `${e.model}/${e.suite}`).toBe(true);
    expect(byPair.get(`${BIG}/reasoning`)?.memory_snapshots?.some((m) => m.phase === 'after')).toBe(true);
    expect(byPair.get(`${SMALL}/ttft`)?.memory_snapshots?.some((m) => m.phase === 'after')).toBe(true);
    expect(byPair.get(`${BIG}/ttft`)?.memory_snapshots?.some((m) => m.phase === 'after')).toBe(false);

    // Perf suites count tokens from the server's usage, never estimated.
    for (const key of [`${BIG}/throughput`, `${BIG}/ttft`, `${SMALL}/ttft`]) {
      const envelope = byPair.get(key)!;
      const measured = envelope.results.filter((r) => r.name !== 'model_load');
      expect(measured.length, key).toBeGreaterThan(0);
      expect(measured.every((r) => r.tags?.tokens_estimated !== 'true'), key).toBe(true);
    }
    // Quality and lm-eval ran for real: a score in [0, 1] for the packs and the task.
    const tool = byPair.get(`${BIG}/tool-calling`)!.results.filter((r) => r.name !== 'model_load');
    expect(tool.some((r) => r.value >= 0 && r.value <= 1)).toBe(true);
    const arith = byPair.get(`${BIG}/reasoning`)!.results.find((r) => r.name.includes('nightshift_arith') && r.metric.startsWith('exact_match'));
    expect(arith?.value).toBeGreaterThanOrEqual(0);
    expect(arith?.value).toBeLessThanOrEqual(1);
    await stopChild(worker);
  });
});
