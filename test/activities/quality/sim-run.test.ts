// Quality runs against the simulated endpoint with scripted replies: every assert kind's correct reply
// passes and each wrong reply fails with its failure mode; truncation at max_tokens is token_limit; a
// slow answer is a timeout; an interrupted run resumes from its journal without asking the model
// twice; the CLI prints the table, saves the JSON and exits 3 on a regression; the SuiteRunner
// heartbeats per scenario.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../client/cli.js';
import { startSimServer, type SimServer } from '../../../client/sim-server/server.js';
import { memoryJournal, openJournal } from '../../../activities/journal/journal.js';
import { validateEnvelope } from '../../../activities/envelope/validate.js';
import { loadPackFile } from '../../../activities/suites/quality/pack-loader.js';
import type { QualityResult } from '../../../activities/suites/quality/result-types.js';
import type { SamplingChoices } from '../../../activities/suites/quality/request-builder.js';
import { runQuality } from '../../../activities/suites/quality/runner.js';
import { runQualitySuite } from '../../../activities/suites/quality/suite-runner.js';
import { qualitySuiteConfigSpec } from '../../../activities/suites/quality/suite-config.js';
import { checkWithSpec } from '../../../activities/config/config-spec.js';
import { runAs } from '../../support/suites.js';
import type { SuiteProgress } from '../../../activities/suites/types.js';
import { ASSERT_CASES, type ScriptedReply } from './fixtures/assert-cases.js';

const MODEL = 'sim-quality';
const SLOW = 'sim-quality-slow';
const THINKER = 'sim-quality-thinker';
const LONG = 'Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon.';

interface Case {
  id: string;
  marker: string;
  reply: ScriptedReply;
  scenario: Record<string, unknown>;
  expectMode: string;
}

// One scenario per scripted reply; the marker in the user message selects the reply at the endpoint.
const cases: Case[] = ASSERT_CASES.flatMap((c) => {
  const make = (suffix: string, reply: ScriptedReply, expectMode: string): Case => {
    const id = `${c.type}.${c.kind}.${suffix}`;
    const marker = `[case ${id}]`;
    const scenario: Record<string, unknown> = {
      id,
      description: `${c.kind} with the ${suffix} reply`,
      messages: [{ role: 'user', content: `${marker} answer` }],
      verifier: { type: c.type, asserts: c.asserts },
    };
    if (c.type === 'tool_call') scenario.tools = [{ type: 'function', function: { name: 'any_tool', parameters: { type: 'object', properties: {} } } }];
    return { id, marker, reply, scenario, expectMode };
  };
  // The simulator only scripts tool arguments that are JSON, so broken-argument replies are covered by
  // the pure verifier test (verifiers.test.ts) instead.
  const scriptable = (r: ScriptedReply) => (r.tool_calls ?? []).every((t) => isJson(t.arguments));
  return [make('good', c.good, 'passed'), ...c.bad.map((b, i) => make(`bad${i}`, b.reply, b.mode)).filter((x) => scriptable(x.reply))];
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const script = (marker: string, reply: ScriptedReply) => ({
  match: marker,
  ...(reply.content !== undefined && reply.content !== null ? { reply: reply.content } : {}),
  ...(reply.reasoning_content ? { reasoning: reply.reasoning_content } : {}),
  ...(reply.tool_calls ? { tool_calls: reply.tool_calls.map((t) => ({ name: t.name, arguments: t.arguments })) } : {}),
});

const truncated = {
  id: 'truncated',
  description: 'a correct answer needs more tokens than max_tokens allows',
  messages: [{ role: 'user', content: '[case truncated] answer' }],
  verifier: { type: 'instruct_follow', asserts: [{ kind: 'exact_length_words', value: 20 }] },
  sampling_overrides: { max_tokens: 4 },
};
const think = {
  id: 'think',
  description: 'an answer the model may reason about first',
  messages: [{ role: 'user', content: '[case think] answer' }],
  verifier: { type: 'instruct_follow', asserts: [{ kind: 'required_phrase', value: 'Alpha' }] },
};
const slow = {
  id: 'slow',
  description: 'the endpoint answers slower than the budget',
  messages: [{ role: 'user', content: '[case slow] answer' }],
  verifier: { type: 'instruct_follow', asserts: [{ kind: 'required_phrase', value: 'Alpha' }] },
};

let sim: SimServer;
let dir: string;
let packFile: string;
let edgeFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-quality-'));
  const scripts = [...cases.map((c) => script(c.marker, c.reply)), { match: '[case truncated]', reply: LONG }, { match: '[case slow]', reply: LONG }, { match: '[case think]', reply: LONG, reasoning: 'First, the letters.' }];
  const meta = { __meta__: true, pack_id: 'sim-cases', version: '0.1.0', sampling_defaults: { temperature: 0, max_tokens: 256 }, default_thinking: 'off' };
  packFile = join(dir, 'sim-cases.jsonl');
  await writeFile(packFile, [meta, ...cases.map((c) => c.scenario)].map((l) => JSON.stringify(l)).join('\n') + '\n');
  edgeFile = join(dir, 'sim-edges.jsonl');
  await writeFile(edgeFile, [{ ...meta, pack_id: 'sim-edges' }, truncated, slow, think].map((l) => JSON.stringify(l)).join('\n') + '\n');
  sim = await startSimServer({
    config: {
      seed: 7,
      models: [
        { id: MODEL, load_ms: 0, ttft_ms: 1, decode_tokens_per_second: 5000, prefill_tokens_per_second: 100000, jitter: 0, scripts },
        { id: THINKER, load_ms: 0, ttft_ms: 1, decode_tokens_per_second: 5000, prefill_tokens_per_second: 100000, jitter: 0, reasoning: { enabled: true, default_on: true }, scripts },
        { id: SLOW, load_ms: 0, ttft_ms: 1, decode_tokens_per_second: 2, prefill_tokens_per_second: 100000, jitter: 0, scripts },
      ],
    },
  });
  return () => sim.close();
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const sampling: SamplingChoices = { thinkingControl: 'enable_thinking', thinkingMaxTokens: 1024, overrides: {}, fromServer: false };

describe('quality runs against the simulated endpoint', () => {
  it('scores every assert kind: correct replies pass, wrong replies fail with their mode', async () => {
    const pack = await loadPackFile(packFile);
    const result = await runQuality(
      { endpoint: sim.url, model: MODEL, packs: [pack], mode: 'custom', sampling, timeoutPerCaseSeconds: 30, concurrency: 2, retries: 0 },
      { journal: memoryJournal() },
    );
    const got = new Map(result.packs[0]!.scenarios.map((s) => [s.id, s]));
    for (const c of cases) {
      const run = got.get(c.id);
      expect(run, c.id).toBeDefined();
      expect(`${c.id}: ${run!.failure_mode} (${run!.detail})`).toBe(`${c.id}: ${c.expectMode} (${run!.detail})`);
      expect(run!.raw_response).not.toBeNull();
    }
    expect(result.packs[0]!.passed).toBe(ASSERT_CASES.length);
    expect(result.warnings.join('\n')).not.toMatch(/token limit|does not support tools/);
  });

  it('labels an answer cut at max_tokens token_limit, and a slow answer timeout', async () => {
    const pack = await loadPackFile(edgeFile);
    const fast = await runQuality(
      { endpoint: sim.url, model: MODEL, packs: [pack], mode: 'custom', scenarios: ['truncated'], sampling, timeoutPerCaseSeconds: 30, retries: 0 },
      { journal: memoryJournal() },
    );
    const t = fast.packs[0]!.scenarios[0]!;
    expect(t.finish_reason).toBe('length');
    expect(t.failure_mode).toBe('token_limit');
    expect(t.detail).toContain('underlying verdict was verifier_fail: word count mismatch');
    // Every reply cut short: the run says its score measures the limit, not the model.
    expect(fast.warnings).toContain(
      "all 1 replies stopped at the token limit (max_tokens): the scores say nothing about the model's answers; raise the packs' max_tokens or thinking_max_tokens, or turn thinking off",
    );

    const slowRun = await runQuality(
      { endpoint: sim.url, model: SLOW, packs: [pack], mode: 'custom', scenarios: ['slow'], sampling, timeoutPerCaseSeconds: 0.5, retries: 0 },
      { journal: memoryJournal() },
    );
    const s = slowRun.packs[0]!.scenarios[0]!;
    expect(s.failure_mode).toBe('timeout');
    expect(s.detail).toBe('timed out after 0.5s');
    expect(s.raw_response).toBeNull();
    expect(slowRun.warnings.join('\n')).not.toMatch(/token limit/);
  });

  it('warns when the server says its chat template drops tools, and only then', async () => {
    const pack = await loadPackFile(packFile);
    const toolCase = cases.find((c) => c.id.startsWith('tool_call.') && c.expectMode === 'passed')!;
    const run = async (supports_tools: boolean) => {
      const plain = await startSimServer({ plain: true, config: { seed: 7, models: [{ id: MODEL, load_ms: 0, ttft_ms: 1, decode_tokens_per_second: 5000, jitter: 0, supports_tools, scripts: [script(toolCase.marker, toolCase.reply)] }] } });
      try {
        return await runQuality(
          { endpoint: plain.url, model: MODEL, packs: [pack], mode: 'custom', scenarios: [toolCase.id], sampling, timeoutPerCaseSeconds: 30, retries: 0 },
          { journal: memoryJournal() },
        );
      } finally {
        await plain.close();
      }
    };
    const without = await run(false);
    expect(without.warnings.find((w) => w.includes('does not support tools'))).toBe(
      `the server says its chat template does not support tools (llama.cpp /props chat_template_caps.supports_tools = false): tool definitions never reach ${MODEL}, so tool-call scores measure the template, not the model; serve it with a template that supports tools`,
    );
    expect((await run(true)).warnings.join('\n')).not.toMatch(/does not support tools/);
  });

  it('--sampling-from-server sends no sampling parameters and marks the run non-canonical', async () => {
    const pack = await loadPackFile(edgeFile);
    const result = await runQuality(
      { endpoint: sim.url, model: MODEL, packs: [pack], mode: 'custom', scenarios: ['truncated'], sampling: { ...sampling, fromServer: true }, timeoutPerCaseSeconds: 30, retries: 0 },
      { journal: memoryJournal() },
    );
    const request = result.packs[0]!.scenarios[0]!.request;
    expect(request.temperature).toBeUndefined();
    expect(request.max_tokens).toBe(4);
    expect(result.canonical).toBe(false);
    expect(result.sampling_source).toBe('server');
    expect(result.warnings.join('\n')).toMatch(/sampling from the server/);
  });

  it('checks the thinking arm: off must show no reasoning, on must show some', async () => {
    const pack = await loadPackFile(edgeFile);
    const arm = async (model: string, extra: Partial<SamplingChoices>, scenario = 'think') =>
      (await runQuality({ endpoint: sim.url, model, packs: [pack], mode: 'custom', scenarios: [scenario], sampling: { ...sampling, ...extra }, timeoutPerCaseSeconds: 30, retries: 0 }, { journal: memoryJournal() })).packs[0]!;
    expect((await arm(THINKER, { thinking: false })).status).toBe('ok');
    expect((await arm(THINKER, { thinking: true })).status).toBe('ok');
    // This server reads enable_thinking, not reasoning_effort: "off" that way still thinks.
    const contaminated = await arm(THINKER, { thinking: false, thinkingControl: 'reasoning_effort' });
    expect(contaminated.status).toBe('thinking-contaminated');
    expect(contaminated.thinking_validity).toMatchObject({ expected: 'off', responses: 1, with_reasoning: 1 });
    // A reply without any reasoning while thinking was asked for: not a thinking arm.
    expect((await arm(MODEL, { thinking: true }, 'slow')).status).toBe('thinking-silent');
  });

  it('stops at once when nothing listens at the endpoint', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const pack = await loadPackFile(edgeFile);
    await expect(
      runQuality({ endpoint: `http://127.0.0.1:${port}`, model: MODEL, packs: [pack], mode: 'custom', sampling, retries: 0 }, { journal: memoryJournal() }),
    ).rejects.toThrow(/model_endpoint_unreachable/);
  });

  it('resumes an interrupted run from its journal without repeating a scenario', async () => {
    const pack = await loadPackFile(packFile);
    const path = join(dir, 'resume.journal.jsonl');
    const config = { endpoint: sim.url, model: MODEL, packs: [pack], mode: 'custom', sampling, timeoutPerCaseSeconds: 30, retries: 0 };
    sim.resetStats();
    const stop = new AbortController();
    const first = await openJournal(path);
    await expect(
      runQuality(config, {
        journal: first,
        signal: stop.signal,
        onScenario: (_p, _r, done) => {
          if (done === 5) stop.abort(new Error('worker killed'));
        },
      }),
    ).rejects.toThrow('worker killed');
    await first.close();
    // Scenario requests only (the run also reads the server's /props once).
    const chats = () => sim.stats().models[MODEL]!.routes['/v1/chat/completions'] ?? 0;
    expect(chats()).toBe(5);

    const progress: SuiteProgress[] = [];
    const second = await openJournal(path);
    const result = await runQuality(config, { journal: second, onProgress: (p) => progress.push(p) });
    await second.close();
    expect(chats()).toBe(cases.length);
    expect(result.packs[0]!.total).toBe(cases.length);
    expect(result.packs[0]!.passed).toBe(ASSERT_CASES.length);
    expect(progress[0]).toMatchObject({ completed: 5, total: cases.length });
    expect(progress.at(-1)).toMatchObject({ completed: cases.length, total: cases.length });
  });

  it('CLI: prints the table, saves the JSON, and exits 3 on a regression', async () => {
    const out = join(dir, 'cli.json');
    const argv = ['quality', 'run', '--endpoint', sim.url, '--model', MODEL, '--pack-file', edgeFile, '--scenario', 'truncated', '--timeout-per-case', '30', '--quiet'];
    const writes: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    let code: number;
    try {
      code = await main([...argv, '--out', out]);
    } finally {
      process.stdout.write = original;
      process.exitCode = undefined;
    }
    expect(code).toBe(0);
    const text = writes.join('');
    expect(text).toContain('| sim-edges v0.1.0 | 0 / 1 | 0.0% |');
    expect(text).toContain('- sim-edges truncated: token_limit');
    expect(text).toMatch(/^Quality: 0\/1 \(0\.0%\) for sim-quality, mode custom/m);
    const saved = JSON.parse(await readFile(out, 'utf8')) as QualityResult;
    expect(saved.packs[0]!.scenarios[0]!.request.max_tokens).toBe(4);
    await expect(readFile(`${out}.journal.jsonl`)).rejects.toThrow();

    // A previous result in which the scenario passed: this run is a regression.
    const better = structuredClone(saved);
    better.packs[0]!.passed = 1;
    better.packs[0]!.score = 1;
    better.packs[0]!.scenarios[0]!.passed = true;
    const prev = join(dir, 'prev.json');
    await writeFile(prev, JSON.stringify(better));
    process.stdout.write = (() => true);
    try {
      expect(await main([...argv, '--previous-result', prev, '--exit-on-regression'])).toBe(3);
      expect(await main([...argv, '--previous-result', out, '--exit-on-regression'])).toBe(0);
      expect(await main(['quality', 'run', '--endpoint', sim.url, '--model', MODEL, '--repeats', '0'])).toBe(2);
      // The old spelling still works for one release, through the same check.
      expect(await main(['quality', 'run', '--endpoint', sim.url, '--model', MODEL, '--repeat', '0'])).toBe(2);
      // An --out that cannot be written is refused before any scenario runs.
      sim.resetStats();
      expect(await main([...argv, '--out', join(out, 'under-a-file.json')])).toBe(2);
      expect(sim.stats().models[MODEL]?.requests ?? 0).toBe(0);
    } finally {
      process.stdout.write = original;
      process.exitCode = undefined;
    }
  });

  it('SuiteRunner: heartbeats per scenario and returns envelope results', async () => {
    const progress: SuiteProgress[] = [];
    const workDir = join(dir, 'work', 'activity-1');
    const outcome = await runAs('capability-comparison', 'nightshift', runQualitySuite, {
      endpoint: sim.url,
      model: MODEL,
      config: checkWithSpec(qualitySuiteConfigSpec, { pack_files: [packFile], timeout_per_case: 30, scenarios: cases.slice(0, 4).map((c) => c.id) }, 'test'),
      signal: new AbortController().signal,
      onProgress: (p) => progress.push(p),
      journal: memoryJournal(),
      workDir,
    });
    const saved = JSON.parse(await readFile(join(workDir, 'quality-result.json'), 'utf8')) as QualityResult;
    expect(saved.packs[0]!.total).toBe(4);
    const envelope = {
      schema_version: '1',
      timestamp: saved.started_at,
      git_sha: 'abcdef1',
      trigger: 'local',
      suite: 'capability-comparison',
      model: MODEL,
      system: { os: 'Linux', chip: 'test', memory_gb: 24 },
      results: outcome.results,
      gen_kwargs: outcome.genKwargs,
      errors: outcome.errors,
    };
    expect(validateEnvelope(envelope).issues).toEqual([]);
    expect(progress.filter((p) => p.checkpoint).length).toBe(4);
    expect(outcome.results.find((r) => r.metric === 'pass_rate')).toMatchObject({ name: 'sim-cases', unit: 'ratio' });
    expect(outcome.results.filter((r) => r.metric === 'pass')).toHaveLength(4);
    expect(outcome.genKwargs).toEqual({ temperature: 0, max_gen_toks: 256 });
    expect(() => checkWithSpec(qualitySuiteConfigSpec, { mode: 'nope' }, 'suiteConfig.capability-comparison')).toThrow(/mode: must be one of "quick", "medium", "full"/);
  });
});
