// vllm bench serve and benchlocal-cli suites: configs, command lines, the "not installed" skip, reuse of
// a finished result, and — when the tool is installed — a real run against the simulated endpoint.
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from '../../../client/sim-server/server.js';
import { memoryJournal } from '../../../activities/journal/journal.js';
import { checkWithSpec, loadWithSpec } from '../../../activities/config/config-spec.js';
import { benchlocalConfigSpec } from '../../../activities/suites/external/benchlocal-config.js';
import {
  BENCHLOCAL_INSTALL_HINT,
  RESULT_FILE as BENCHLOCAL_RESULT,
  buildBenchlocalArgs,
  createBenchlocalSuite,
  expectedScenarios,
} from '../../../activities/suites/external/benchlocal-suite.js';
import { findBenchlocal, findExecutable, findLmEval, LM_EVAL_INSTALL_HINT } from '../../../activities/suites/external/find-tool.js';
import { vllmBenchConfigSpec } from '../../../activities/suites/external/vllm-bench-config.js';
import {
  RESULT_FILE as VLLM_RESULT,
  VLLM_INSTALL_HINT,
  buildVllmBenchArgs,
  createVllmBenchSuite,
} from '../../../activities/suites/external/vllm-bench-suite.js';
import type { SuiteContext } from '../../../activities/suites/types.js';
import { ensureTool, projectRoot } from '../../support/tools.js';
import { runAs } from '../../support/suites.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'ns-optional-tools-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function context<C>(config: C, workDir: string, endpoint = 'http://127.0.0.1:9'): Omit<SuiteContext<C>, 'suite'> {
  return { endpoint, model: 'sim-qwen-9b-4bit', config, signal: new AbortController().signal, onProgress: () => undefined, journal: memoryJournal(), workDir };
}

// An environment in which neither tool can be found (not on PATH, and no project tool folder).
const bareEnv = { PATH: '/nonexistent', HOME: '/nonexistent', NIGHTSHIFT_TOOLS_DIR: '/nonexistent/.tools' };
const flag = (args: string[], name: string) => args[args.indexOf(name) + 1];

describe('vllm-bench suite', () => {
  it('configs/vllm/throughput.toml loads', async () => {
    const config = await loadWithSpec(vllmBenchConfigSpec, join(projectRoot, 'configs/vllm/throughput.toml'));
    expect(config).toMatchObject({ model_type: 'chat', num_prompts: 100, input_len: 512, output_len: 128 });
  });

  it('reports bad keys with file, line and key', async () => {
    const path = join(scratch, 'bad-vllm.toml');
    await import('node:fs/promises').then((fs) => fs.writeFile(path, 'suite = "throughput"\nnum_prompts = -1\nconcurrency = 4\n'));
    const error = (await loadWithSpec(vllmBenchConfigSpec, path).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain(`${path}:2: num_prompts: must be >= 1`);
    expect(error.message).toContain(`${path}:3: concurrency: unknown key "concurrency"`);
  });

  it('builds the bench command for the endpoint', () => {
    const config = checkWithSpec(vllmBenchConfigSpec, { num_prompts: 20, max_concurrency: 4, request_rate: 2.5, tokenizer: '/tok' }, 'x');
    const args = buildVllmBenchArgs(config, 'http://127.0.0.1:11434/v1', 'qwen', '/w');
    expect(args.slice(0, 2)).toEqual(['bench', 'serve']);
    expect(flag(args, '--backend')).toBe('openai-chat');
    expect(flag(args, '--base-url')).toBe('http://127.0.0.1:11434');
    expect(flag(args, '--endpoint')).toBe('/v1/chat/completions');
    expect(flag(args, '--tokenizer')).toBe('/tok');
    expect(flag(args, '--num-prompts')).toBe('20');
    expect(flag(args, '--max-concurrency')).toBe('4');
    expect(flag(args, '--request-rate')).toBe('2.5');
    expect(flag(args, '--result-dir')).toBe('/w');
    expect(flag(args, '--result-filename')).toBe(VLLM_RESULT);
    expect(args).toContain('--save-result');
    expect(args).toContain('--ignore-eos');
  });

  it('is skipped with how to install it when vllm is not there', async () => {
    const suite = createVllmBenchSuite({ env: bareEnv });
    const outcome = await runAs('throughput', 'vllm-bench', suite, context(checkWithSpec(vllmBenchConfigSpec, {}, 'x'), join(scratch, 'vllm-absent')));
    expect(outcome.results).toEqual([]);
    expect(outcome.skipped?.reason).toBe(`not installed: vllm is not on PATH; ${VLLM_INSTALL_HINT}`);
  });

  it('converts the finished result of an earlier attempt without running the tool again', async () => {
    const workDir = join(scratch, 'vllm-reuse');
    await mkdir(workDir, { recursive: true });
    await copyFile(join(projectRoot, 'test/fixtures/mlx-benchmarks/vllm_benchmark_serving_sample.json'), join(workDir, VLLM_RESULT));
    // The "tool" fails if it is started at all.
    const suite = createVllmBenchSuite({ env: { ...bareEnv, NIGHTSHIFT_VLLM: '/bin/false' }, registryDir: join(scratch, 'pids') });
    const outcome = await runAs('throughput', 'vllm-bench', suite, context(checkWithSpec(vllmBenchConfigSpec, {}, 'x'), workDir));
    expect(outcome.skipped).toBeUndefined();
    expect(outcome.results.some((r) => r.name === 'request_throughput')).toBe(true);
    expect(outcome.errors.join('\n')).toMatch(/earlier attempt reused/);
  });
});

describe('vllm-bench suite with the real vllm', async () => {
  const vllm = await findExecutable('vllm', 'NIGHTSHIFT_VLLM', VLLM_INSTALL_HINT);
  const tokenizer = process.env.NIGHTSHIFT_VLLM_TOKENIZER;
  let sim: SimServer | undefined;
  afterAll(async () => sim?.close());
  it.skipIf(!vllm.found || !tokenizer)(
    vllm.found ? 'runs against the simulated endpoint (needs NIGHTSHIFT_VLLM_TOKENIZER: a local tokenizer directory)' : vllm.reason,
    async () => {
      sim = await startSimServer({ config: { seed: 1, models: [{ id: 'sim-bench', preload: true, ttft_ms: 20, decode_tokens_per_second: 500 }] } });
      const config = checkWithSpec(vllmBenchConfigSpec, { num_prompts: 8, input_len: 32, output_len: 16, tokenizer }, 'x');
      const outcome = await runAs('throughput', 'vllm-bench', createVllmBenchSuite({ registryDir: join(scratch, 'pids') }), { ...context(config, join(scratch, 'vllm-real'), sim.url), model: 'sim-bench' });
      expect(sim.stats().models['sim-bench']?.routes['/v1/chat/completions']).toBe(8);
      expect(outcome.results.find((r) => r.name === 'request_throughput')?.value).toBeGreaterThan(0);
    },
    600_000,
  );
});

describe('benchlocal suite', () => {
  it('configs/benchlocal/tool-calling.toml loads', async () => {
    const config = await loadWithSpec(benchlocalConfigSpec, join(projectRoot, 'configs/benchlocal/tool-calling.toml'));
    expect(config).toMatchObject({ mode: 'quick', packs: [], thinking: 'pack', retry_failures: true });
    expect(expectedScenarios(config)).toBe(30);
  });

  it('builds run and resume commands', () => {
    const config = checkWithSpec(benchlocalConfigSpec, { packs: ['toolcall-15', 'cli-40'], thinking: 'off', retry_failures: false, timeout_per_case_seconds: 60 }, 'x');
    expect(expectedScenarios(config)).toBe(55);
    const args = buildBenchlocalArgs(config, 'http://127.0.0.1:8020/', 'm', '/w/r.json', false);
    expect(args).toEqual([
      'run', '--pack', 'toolcall-15', '--pack', 'cli-40', '--endpoint', 'http://127.0.0.1:8020', '--model', 'm',
      '--incremental', '--save-json', '/w/r.json', '--output', 'json', '--no-thinking', '--timeout-per-case', '60', '--no-retry',
    ]);
    expect(buildBenchlocalArgs(config, 'http://h', 'm', '/w/r.json', true).slice(0, 3)).toEqual(['run', '--resume', '/w/r.json.partial.jsonl']);
    expect(buildBenchlocalArgs(checkWithSpec(benchlocalConfigSpec, { mode: 'medium' }, 'x'), 'http://h', 'm', '/r', false)[1]).toBe('--medium');
  });

  it('is skipped with how to install it when benchlocal-cli is not there', async () => {
    const outcome = await runAs('tool-calling', 'benchlocal', createBenchlocalSuite({ env: bareEnv }), context(checkWithSpec(benchlocalConfigSpec, {}, 'x'), join(scratch, 'bl-absent')));
    expect(outcome.skipped?.reason).toBe(`not installed: benchlocal-cli is neither in /nonexistent/.tools/benchlocal-venv/bin/benchlocal-cli nor on PATH; ${BENCHLOCAL_INSTALL_HINT}`);
    const named = await runAs('tool-calling', 'benchlocal', createBenchlocalSuite({ env: { ...bareEnv, NIGHTSHIFT_BENCHLOCAL: '/nonexistent/benchlocal-cli' } }),
      context(checkWithSpec(benchlocalConfigSpec, {}, 'x'), join(scratch, 'bl-absent2')),
    );
    expect(named.skipped?.reason).toMatch(/^not installed: NIGHTSHIFT_BENCHLOCAL=\/nonexistent\/benchlocal-cli is not an executable/);
  });

  it('converts the finished result of an earlier attempt without running the tool again', async () => {
    const workDir = join(scratch, 'bl-reuse');
    await mkdir(workDir, { recursive: true });
    await copyFile(join(projectRoot, 'test/fixtures/benchlocal/result-sample-mock-responses.json'), join(workDir, BENCHLOCAL_RESULT));
    const suite = createBenchlocalSuite({ env: { ...bareEnv, NIGHTSHIFT_BENCHLOCAL: '/bin/false' }, registryDir: join(scratch, 'pids') });
    const outcome = await runAs('tool-calling', 'benchlocal', suite, context(checkWithSpec(benchlocalConfigSpec, {}, 'x'), workDir));
    expect(outcome.results.length).toBeGreaterThan(0);
    expect(outcome.errors.join('\n')).toMatch(/earlier attempt reused/);
  });
});

describe('benchlocal suite with the real benchlocal-cli', () => {
  let sim: SimServer | undefined;
  afterAll(async () => sim?.close());

  it('finds the benchlocal-cli that install-benchlocal.sh put in .tools, without PATH', async () => {
    const installed = ensureTool('benchlocal');
    expect(await findBenchlocal({ PATH: '/nonexistent' })).toEqual({ found: true, path: installed });
  });

  it(
    'is the tool behind tool-calling: runs toolcall-15 for real against the simulated endpoint, and its result becomes envelope results',
    async () => {
      ensureTool('benchlocal');
      sim = await startSimServer({ config: { seed: 1, models: [{ id: 'sim-bench', preload: true, ttft_ms: 5, decode_tokens_per_second: 2000, tool_call_rate: 1 }] } });
      const config = checkWithSpec(benchlocalConfigSpec, { packs: ['toolcall-15'], thinking: 'off', retry_failures: false }, 'x');
      const outcome = await runAs('tool-calling', 'benchlocal', createBenchlocalSuite({ registryDir: join(scratch, 'pids'), env: { PATH: process.env.PATH ?? '' } }), {
        ...context(config, join(scratch, 'bl-real'), sim.url),
        model: 'sim-bench',
      });
      expect(outcome.skipped).toBeUndefined();
      // Every scenario was asked (15, after benchlocal-cli's own decode-speed probes).
      expect(sim.stats().models['sim-bench']?.routes['/v1/chat/completions']).toBeGreaterThanOrEqual(15);
      // The benchlocal converter's pack score, from benchlocal-cli's own verdicts on the simulator's random tool calls.
      const pack = outcome.results.find((r) => r.name === 'toolcall-15');
      expect(pack?.tags).toMatchObject({ pack_id: 'toolcall-15', total: '15', benchlocal_runner_version: '0.9.9', benchlocal_thinking_mode: 'force-off' });
      expect(pack?.value).toBe(Number(pack?.tags?.passed) / 15);
    },
    600_000,
  );
});

describe('findLmEval', () => {
  it('rejects a python without lm_eval and says how to install it', async () => {
    const python3 = await findExecutable('python3', 'NO_SUCH_VARIABLE', '');
    expect(python3.found).toBe(true);
    const lookup = await findLmEval({ NIGHTSHIFT_LM_EVAL_PYTHON: python3.found ? python3.path : '' }, '/nonexistent/python');
    expect(lookup).toEqual({ found: false, reason: LM_EVAL_INSTALL_HINT });
  });
});
