// Choosing an external tool for a suite in a sweep (`suiteConfig.<suite>.tool`) when that tool is not
// installed: vllm bench serve for throughput, benchlocal-cli for tool-calling, and benchlocal-cli's packs for
// evalplus (Nightshift runs them itself but reads them from the installed benchlocal-cli). Real dev server, a worker
// process, the simulated endpoint. Each pair must end `skipped` with the "not installed: how to install"
// reason in the sweep result and in `nightshift sweep status`, never failed or crashed.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from '../../client/sim-server/server.js';
import { projectRoot } from '../support/tools.js';
import { startHarness, type Harness } from '../workflows/harness.js';
import { startCli, stopChild, type Child } from './processes.js';
import { benchmarkSweep } from '../../workflows/benchmark-sweep.js';

const MODEL = 'sim-tools';
let h: Harness | undefined;
let sim: SimServer | undefined;
let dir: string;
const children: Child[] = [];
const run = promisify(execFile);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-tool-skip-'));
  h = await startHarness();
  sim = await startSimServer({ config: { seed: 1, models: [{ id: MODEL, preload: true, ttft_ms: 5, decode_tokens_per_second: 2000 }] } });
});

afterAll(async () => {
  for (const c of children) await stopChild(c, 'SIGKILL');
  await sim?.close();
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('sweep suites run by a chosen external tool', { timeout: 120_000 }, () => {
  it('vllm-bench (throughput), benchlocal (tool-calling) and its packs (evalplus) not installed: each pair skipped with how to install, in the result and in `sweep status`', async () => {
    const queue = `tool-skip-${process.pid}`;
    // The tools absent whatever this machine has: a PATH without them, no tools folder, no overrides.
    const worker = await startCli(['worker', '--host-queue', queue, '--data-dir', join(dir, 'data'), '--dataset-dir', join(dir, 'dataset')], {
      TEMPORAL_ADDRESS: h!.server.address,
      NIGHTSHIFT_STATE_DIR: join(dir, 'state'),
      PATH: '/usr/bin:/bin',
      NIGHTSHIFT_TOOLS_DIR: join(dir, 'no-tools'),
      NIGHTSHIFT_VLLM: '',
      NIGHTSHIFT_BENCHLOCAL: '',
      NIGHTSHIFT_BENCHLOCAL_PACKS: '',
    });
    children.push(worker);
    const id = `tool-skip-${process.pid}`;
    const handle = await h!.client.workflow.start(benchmarkSweep, {
      taskQueue: 'nightshift',
      workflowId: id,
      args: [
        {
          models: [MODEL],
          suites: ['throughput', 'tool-calling', 'evalplus'],
          endpoint: sim!.url,
          hostQueue: queue,
          warmUp: false,
          unload: false,
          suiteAttempts: 1,
          suiteConfig: { throughput: { tool: 'vllm-bench', num_prompts: 4 }, 'tool-calling': { tool: 'benchlocal', mode: 'quick' } },
        },
      ],
    });
    const result = (await handle.result());
    expect(result.counts).toEqual({ passed: 0, failed: 0, skipped: 3 });
    expect(result.models[0]?.state).toBe('skipped');
    const [throughput, toolCalling, evalplus] = result.models[0]?.suites ?? [];
    expect(throughput).toMatchObject({ suite: 'throughput', state: 'skipped', attempt: 1 });
    expect(throughput?.error).toMatch(/^suite skipped: not installed: vllm is not on PATH; install vLLM/);
    expect(toolCalling).toMatchObject({ suite: 'tool-calling', state: 'skipped', attempt: 1 });
    expect(toolCalling?.error).toMatch(/^suite skipped: not installed: benchlocal-cli is neither in .* nor on PATH; .*noonghunna\/benchlocal-cli/);
    expect(evalplus).toMatchObject({ suite: 'evalplus', state: 'skipped', attempt: 1 });
    expect(evalplus?.error).toMatch(/^suite skipped: pack humaneval-plus-30: not installed: benchlocal-cli is neither in .* nor on PATH/);
    // Nothing reached the model: the native runners of these suites did not run in the tools' place.
    expect(sim!.stats().models[MODEL]?.routes['/v1/chat/completions'] ?? 0).toBe(0);
    // The gap is published too (a skipped envelope per pair), so the dataset shows what did not run.
    const files = await readdir(join(dir, 'dataset', 'data'));
    expect(files.filter((f) => f.includes(`-throughput-${MODEL}-`))).toHaveLength(1);
    expect(files.filter((f) => f.includes(`-tool-calling-${MODEL}-`))).toHaveLength(1);
    expect(files.filter((f) => f.includes(`-evalplus-${MODEL}-`))).toHaveLength(1);

    const status = await run(process.execPath, [`${projectRoot}client/bin/nightshift.mjs`, 'sweep', 'status', id], {
      cwd: projectRoot,
      env: { ...process.env, TEMPORAL_ADDRESS: h!.server.address },
    });
    const lines = status.stdout.split('\n');
    expect(lines.find((l) => l.includes('throughput'))).toMatch(/skipped.*suite skipped: not installed: vllm/);
    expect(lines.find((l) => l.includes('tool-calling'))).toMatch(/skipped.*suite skipped: not installed: benchlocal-cli/);
    await stopChild(worker);
  });
});
