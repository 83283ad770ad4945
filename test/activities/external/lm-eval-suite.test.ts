// The lm-eval suite with the REAL lm-eval (deploy/setup/install-lm-eval.sh) against the simulated
// endpoint, on the tiny local task in test/fixtures/lm-eval-task (scripted answers, so the score is
// known). Nothing goes to the hub: the suite runs lm-eval with the hub switched off and HF_HOME in a
// temp dir.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from '../../../client/sim-server/server.js';
import { validateEnvelope } from '../../../activities/envelope/validate.js';
import { ConfigError } from '../../../activities/errors.js';
import { memoryJournal } from '../../../activities/journal/journal.js';
import { checkWithSpec, loadWithSpec } from '../../../activities/config/config-spec.js';
import { lmEvalConfigSpec } from '../../../activities/suites/external/lm-eval-config.js';
import { createLmEvalSuite } from '../../../activities/suites/external/lm-eval-suite.js';
import { groupAlive, reapOrphans } from '../../../activities/suites/external/process-registry.js';
import { ExternalToolError } from '../../../activities/suites/external/run-tool.js';
import type { SuiteOutcome, SuiteProgress } from '../../../activities/suites/types.js';
import { envelopeFor } from '../../../activities/sweep/publish-suite.js';
import { ensureTool, projectRoot } from '../../support/tools.js';
import { runAs } from '../../support/suites.js';

const MODEL = 'sim-arith';
const CHAT = '/v1/chat/completions';
const taskDir = join(projectRoot, 'test/fixtures/lm-eval-task');

interface Row {
  question: string;
  answer: string;
}

let python: string;
let rows: Row[];
let sim: SimServer;
let scratch: string;
let env: Record<string, string>;

// The model answers right unless the sum is a multiple of 5; then it is off by one. Deterministic per
// question, so the expected exact_match is known before lm-eval runs.
const wrong = (row: Row) => Number(row.answer) % 5 === 0;

beforeAll(async () => {
  python = ensureTool('lm-eval');
  rows = (await readFile(join(taskDir, 'arith.jsonl'), 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Row);
  sim = await startSimServer({
    config: {
      seed: 1,
      models: [
        {
          id: MODEL,
          preload: true,
          // ~0.2 s per answer: a 40-question run lasts long enough to be killed halfway.
          ttft_ms: 150,
          decode_tokens_per_second: 400,
          scripts: rows.map((r) => ({ match: r.question, reply: `The answer is ${wrong(r) ? Number(r.answer) + 1 : Number(r.answer)}.` })),
        },
      ],
    },
  });
  scratch = await mkdtemp(join(tmpdir(), 'ns-lm-eval-suite-'));
  env = { ...(process.env as Record<string, string>), HF_HOME: join(scratch, 'hf-home'), NIGHTSHIFT_LM_EVAL_PYTHON: python };
}, 600_000);

afterAll(async () => {
  await sim.close();
  await rm(scratch, { recursive: true, force: true });
});

const chatRequests = () => sim.stats().models[MODEL]?.routes[CHAT] ?? 0;

function taskConfig(extra: Record<string, unknown> = {}) {
  return checkWithSpec(
    lmEvalConfigSpec,
    { tasks: ['nightshift_arith'], include_path: taskDir, gen_kwargs: { max_gen_toks: 32, temperature: 0 }, timeout_minutes: 10, ...extra },
    'test config',
  );
}

function exactMatch(outcome: SuiteOutcome): number | undefined {
  return outcome.results.find((r) => r.name.includes('nightshift_arith') && r.metric.startsWith('exact_match'))?.value ?? undefined;
}

describe('shipped lm-eval configs', () => {
  it('name tasks and groups the pinned lm-eval defines', async () => {
    const tasksDir = join(python, '../../lib');
    const [pyDir] = await readdir(tasksDir);
    const yamlRoot = join(tasksDir, pyDir ?? '', 'site-packages/lm_eval/tasks');
    const defined = new Set<string>();
    for (const entry of await readdir(yamlRoot, { recursive: true })) {
      if (!entry.endsWith('.yaml')) continue;
      const text = await readFile(join(yamlRoot, entry), 'utf8');
      for (const m of text.matchAll(/^(?:task|group): *([\w.-]+) *$/gm)) defined.add(m[1] ?? '');
    }
    for (const name of ['reasoning', 'coding', 'knowledge', 'math-hard']) {
      const config = await loadWithSpec(lmEvalConfigSpec, join(projectRoot, `configs/lm-eval/${name}.toml`));
      for (const task of config.tasks) expect(defined.has(task), `${name}.toml names unknown task ${task}`).toBe(true);
    }
  });
});

describe('lm-eval suite (real lm-eval, simulated endpoint)', () => {
  it('a complete run converts into a valid envelope with the scripted score', async () => {
    const workDir = join(scratch, 'complete');
    const progress: SuiteProgress[] = [];
    const before = chatRequests();
    const suite = createLmEvalSuite({ registryDir: join(scratch, 'pids'), env });
    const outcome = await runAs('reasoning', 'lm-eval', suite, {
      endpoint: sim.url,
      model: MODEL,
      config: taskConfig(),
      signal: new AbortController().signal,
      journal: memoryJournal(),
      workDir,
      onProgress: (p) => progress.push(p),
    });

    expect(outcome.skipped).toBeUndefined();
    expect(chatRequests() - before).toBe(rows.length);
    expect(exactMatch(outcome)).toBeCloseTo(rows.filter((r) => !wrong(r)).length / rows.length, 6);
    expect(progress.at(-1)).toMatchObject({ completed: rows.length, total: rows.length });
    expect(outcome.genKwargs?.max_gen_toks).toBe(32);

    const envelope = envelopeFor({
      run: { suite: 'reasoning', model: MODEL, results: outcome.results, ...(outcome.genKwargs ? { genKwargs: outcome.genKwargs } : {}), errors: outcome.errors, startedAt: new Date().toISOString(), completed: rows.length, total: rows.length, attempt: 1, resumedFrom: 0, journalPath: '' },
      system: { os: 'linux', chip: 'test', memory_gb: 1 },
      gitSha: 'abc1234',
      trigger: 'local',
      prNumber: null,
      tags: {},
      memory: [],
      workflowId: 'wf',
      workflowRunId: 'run',
    });
    const checked = validateEnvelope(envelope);
    expect(checked.issues).toEqual([]);
    expect(checked.valid).toBe(true);
    // Token throughput comes from the logged samples.
    expect(outcome.results.some((r) => typeof r.decode_tokens_per_second === 'number' && r.decode_tokens_per_second > 0)).toBe(true);
  }, 300_000);

  it('resumes after the worker is SIGKILLed mid-run: the endpoint gets only the unanswered requests again', async () => {
    const workDir = join(scratch, 'killed');
    const registryDir = join(scratch, 'pids-killed');
    const start = chatRequests();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(projectRoot, 'test/activities/external/lm-eval-child.ts'), JSON.stringify({ endpoint: sim.url, model: MODEL, config: taskConfig(), workDir, registryDir, env })],
      { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let childOut = '';
    child.stdout.on('data', (c: Buffer) => (childOut += c.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

    // Kill the "worker" once more than half of the questions reached the endpoint.
    const half = Math.ceil(rows.length * 0.6);
    while (chatRequests() - start < half) {
      if (child.exitCode !== null) throw new Error(`child exited early:\n${childOut}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await exited;
    // The next worker start reaps the lm-eval process group the dead worker left behind.
    const report = reapOrphans(registryDir);
    for (const entry of [...report.killed, ...report.stale]) {
      for (let i = 0; i < 100 && groupAlive(entry.pgid); i++) await new Promise((r) => setTimeout(r, 20));
      expect(groupAlive(entry.pgid)).toBe(false);
    }
    expect(report.killed.length + report.stale.length).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    const firstRun = chatRequests() - start;
    expect(firstRun).toBeGreaterThanOrEqual(half);
    expect(firstRun).toBeLessThan(rows.length);
    expect(childOut).not.toContain('"outcome"');

    const progress: SuiteProgress[] = [];
    const outcome = await runAs('reasoning', 'lm-eval', createLmEvalSuite({ registryDir, env }), {
      endpoint: sim.url,
      model: MODEL,
      config: taskConfig(),
      signal: new AbortController().signal,
      journal: memoryJournal(),
      workDir,
      onProgress: (p) => progress.push(p),
    });
    const secondRun = chatRequests() - start - firstRun;
    // A few answers may have arrived in the killed process without reaching its cache yet; they are
    // asked again. Everything cached is not.
    expect(secondRun).toBeLessThan(firstRun);
    expect(secondRun).toBeLessThan(rows.length);
    expect(firstRun + secondRun).toBeGreaterThanOrEqual(rows.length);
    expect(progress[0]?.completed).toBeGreaterThan(0);
    expect(outcome.errors.join('\n')).toMatch(/from its cache of an earlier attempt/);
    expect(exactMatch(outcome)).toBeCloseTo(rows.filter((r) => !wrong(r)).length / rows.length, 6);
    console.log(`lm-eval resume: first run ${firstRun} requests (killed), second run ${secondRun}, task size ${rows.length}`);
  }, 300_000);

  it('cancellation (the activity\'s abort signal) kills lm-eval\'s process group: no request reaches the endpoint after it', async () => {
    const registryDir = join(scratch, 'pids-cancel');
    const controller = new AbortController();
    const start = chatRequests();
    const run = runAs('reasoning', 'lm-eval', createLmEvalSuite({ registryDir, env }), {
      endpoint: sim.url,
      model: MODEL,
      config: taskConfig(),
      signal: controller.signal,
      journal: memoryJournal(),
      workDir: join(scratch, 'cancelled'),
      onProgress: (p) => {
        if (p.completed >= 5) controller.abort(new Error('cancelled by the workflow'));
      },
    });
    await expect(run).rejects.toThrow('cancelled by the workflow');
    const atCancel = chatRequests() - start;
    expect(atCancel).toBeLessThan(rows.length);
    expect(await readdir(registryDir)).toEqual([]);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(chatRequests() - start).toBe(atCancel);
  }, 300_000);

  it('a task that does not exist fails, not retryably, with lm-eval\'s own message', async () => {
    const suite = createLmEvalSuite({ registryDir: join(scratch, 'pids'), env });
    const error = await runAs('reasoning', 'lm-eval', suite, {
      endpoint: sim.url,
      model: MODEL,
      config: taskConfig({ tasks: ['nightshift_no_such_task'] }),
      signal: new AbortController().signal,
      journal: memoryJournal(),
      workDir: join(scratch, 'missing'),
      onProgress: () => undefined,
    }).catch((e: unknown) => e);
    // A config mistake: ConfigError, which the sweep does not retry; lm-eval's own words are in it.
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^lm-eval config key "tasks": lm-eval exited with code 1/);
    expect((error as Error).message).toContain('Tasks not found: nightshift_no_such_task');
    expect((error as Error).cause).toBeInstanceOf(ExternalToolError);
  }, 300_000);
});
