// Runs quality packs against an endpoint: one request per scenario (× repeat), scored by the pack's
// verifier, each finished scenario appended to the journal before it counts, so an interrupted run
// resumes where it stopped and no scenario is run or counted twice. The same function serves the CLI
// and the sweep's suite activity.
import { InputError, NightshiftError } from '../../errors.js';
import type { Journal } from '../../journal/journal.js';
import type { SuiteProgress } from '../types.js';
import { type QualityTransport, openAITransport } from './endpoint-transport.js';
import type { Pack, Scenario } from './pack-types.js';
import { suiteForPack } from '../catalog.js';
import { type SamplingChoices, buildRequest, thinkingFor } from './request-builder.js';
import { RESULT_FORMAT, type PackRun, type QualityResult, type ScenarioRun } from './result-types.js';
import { summarizePack, totalsOf } from './scoring.js';
import { scenarioBudgetSeconds } from './timeout-budget.js';
import { finishReason, usageOf } from './response-text.js';
import type { ExecutionContext } from './code/execution-context.js';
import { judgeResponse, requiredRuntime } from './judge.js';
import { executesCode } from './verifiers/index.js';
import { readModelFacts } from '../../endpoint/model-facts.js';

export const RUNNER_VERSION = '1.0.0';
const PROBE_KEY = '__decode_probe__';

export interface QualityRunConfig {
  endpoint: string;
  model: string;
  packs: Pack[];
  /** quick | medium | full | custom — recorded in the result. */
  mode: string;
  /** Scenario ids to run ("TC-01" or "ns-toolcall-15/TC-01"); empty = all. */
  scenarios?: string[];
  repeat?: number;
  concurrency?: number;
  sampling: SamplingChoices;
  /** --timeout-per-case (seconds): fixed budget, no speed probe. */
  timeoutPerCaseSeconds?: number;
  /** Transport retries for server errors and an unreachable endpoint, with doubling delays. */
  retries?: number;
  retryDelayMs?: number;
  /**
   * Inside a sweep: an endpoint that stays unreachable fails the activity (it retries and resumes from
   * the journal) instead of recording every remaining scenario as model_endpoint_unreachable.
   */
  failOnUnreachable?: boolean;
  /** Send scenarios streamed; each scenario's `raw_body` is then the SSE text. Default false. */
  stream?: boolean;
  /** The sandbox for packs that run model code (given only when the user allowed code execution). */
  execution?: ExecutionContext;
}

export interface QualityRunHooks {
  journal: Journal;
  signal?: AbortSignal;
  onProgress?: (progress: SuiteProgress) => void;
  /** Called after each finished scenario (CLI progress line). */
  onScenario?: (packId: string, run: ScenarioRun, completed: number, total: number) => void;
  transport?: QualityTransport;
}

interface JournalScenario {
  pack_id: string;
  run: ScenarioRun;
}

interface Task {
  pack: Pack;
  scenario: Scenario;
  repeat: number;
  key: string;
}

export class EndpointUnreachableError extends NightshiftError {}

/** Which scenarios of which packs a selection names; unknown names are an InputError. */
export function selectScenarios(packs: Pack[], selection: readonly string[]): Map<Pack, Scenario[]> {
  const chosen = new Map<Pack, Scenario[]>();
  const unmatched = new Set(selection);
  for (const pack of packs) {
    const list = pack.scenarios.filter((s) => {
      if (selection.length === 0) return true;
      const names = [s.id, `${pack.meta.pack_id}/${s.id}`];
      const hit = names.some((n) => selection.includes(n));
      if (hit) names.forEach((n) => unmatched.delete(n));
      return hit;
    });
    if (list.length) chosen.set(pack, list);
  }
  if (unmatched.size > 0) throw new InputError(`--scenario ${[...unmatched].join(', ')}: no such scenario in the selected packs`);
  return chosen;
}

export function journalKey(pack: Pack, scenarioId: string, repeat: number): string {
  return `${pack.meta.pack_id}@${pack.meta.version}/${scenarioId}#${repeat}`;
}

export async function runQuality(config: QualityRunConfig, hooks: QualityRunHooks): Promise<QualityResult> {
  const started = new Date().toISOString();
  const repeat = Math.max(1, config.repeat ?? 1);
  const concurrency = Math.max(1, config.concurrency ?? 1);
  const selected = selectScenarios(config.packs, config.scenarios ?? []);
  const executing = [...selected].filter(([, scenarios]) => scenarios.some(executesCode)).map(([p]) => p.meta.pack_id);
  if (executing.length > 0 && !config.execution) throw new InputError(`${executing.join(', ')} run model code, and code execution was not allowed for this run`);
  const tasks: Task[] = [];
  for (let r = 1; r <= repeat; r++) {
    for (const [pack, scenarios] of selected) for (const s of scenarios) tasks.push({ pack, scenario: s, repeat: r, key: journalKey(pack, s.id, r) });
  }
  const transport = hooks.transport ?? openAITransport(config.endpoint, concurrency, { stream: config.stream === true });
  const ownsTransport = hooks.transport === undefined;
  const journal = hooks.journal;
  const warnings: string[] = [];
  try {
    const measuredTps = await decodeSpeed(config, transport, journal, warnings, hooks.signal);
    if ([...selected.values()].some((scenarios) => scenarios.some((s) => (s.tools?.length ?? 0) > 0))) {
      const facts = await readModelFacts(config.endpoint, config.model, hooks.signal ? { signal: hooks.signal } : {});
      if (facts.supportsTools === false) {
        warnings.push(
          `the server says its chat template does not support tools (llama.cpp /props chat_template_caps.supports_tools = false): ` +
            `tool definitions never reach ${config.model}, so tool-call scores measure the template, not the model; serve it with a template that supports tools`,
        );
      }
    }
    let serverDefaults: Record<string, unknown> | undefined;
    if (config.sampling.fromServer) {
      serverDefaults = await transport.serverDefaults();
      warnings.push(
        serverDefaults
          ? `sampling from the server (${Object.entries(serverDefaults).map(([k, v]) => `${k}=${String(v)}`).join(', ')}): not comparable to the temperature-0 baseline`
          : 'sampling from the server (it does not expose its defaults): not comparable to the temperature-0 baseline',
      );
    }
    const overrides = Object.entries(config.sampling.overrides);
    if (overrides.length) warnings.push(`non-canonical sampling overrides (${overrides.map(([k, v]) => `${k}=${v}`).join(', ')}): not comparable to the temperature-0 baseline`);

    let completed = tasks.filter((t) => journal.has(t.key)).length;
    const report = (t: Task, run: ScenarioRun) => {
      hooks.onProgress?.({ completed, total: tasks.length, checkpoint: t.key, detail: `${t.pack.meta.pack_id} ${t.scenario.id} ${completed}/${tasks.length}` });
      hooks.onScenario?.(t.pack.meta.pack_id, run, completed, tasks.length);
    };
    hooks.onProgress?.({ completed, total: tasks.length, detail: completed ? `resuming with ${completed} of ${tasks.length} done` : `starting ${tasks.length} scenario runs` });
    const pending = tasks.filter((t) => !journal.has(t.key));
    let next = 0;
    const worker = async () => {
      let task: Task | undefined;
      while ((task = pending[next++]) !== undefined) {
        if (hooks.signal?.aborted) throw hooks.signal.reason ?? new Error('quality run cancelled');
        const run = await runScenario(task, config, transport, measuredTps, hooks.signal);
        await journal.append(task.key, { pack_id: task.pack.meta.pack_id, run } satisfies JournalScenario);
        completed++;
        report(task, run);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, pending.length)) }, worker));

    const packs = [...selected].map(([pack, scenarios]) => {
      const runs = tasks
        .filter((t) => t.pack === pack)
        .map((t) => (journal.get(t.key) as JournalScenario).run);
      return summarizePack({
        pack_id: pack.meta.pack_id,
        version: pack.meta.version,
        source: pack.source,
        suite: suiteForPack(pack.meta),
        scenario_count: scenarios.length,
        thinking_enabled: thinkingFor(pack.meta, config.sampling),
        repeat,
        runs,
      });
    });
    // Gated packs (benchlocal-cli's gpqa-diamond) ship no scenarios: reported, not run, as benchlocal-cli does.
    const scenarioless = (config.scenarios ?? []).length === 0 ? config.packs.filter((p) => p.meta.requires_dataset_access === true && p.scenarios.length === 0) : [];
    packs.push(...scenarioless.map((p) => unavailablePack(p, thinkingFor(p.meta, config.sampling))));
    for (const p of packs) warnings.push(...p.warnings);
    const capped = lengthCappedOnly(packs);
    if (capped) warnings.push(capped);
    const canonical =
      !config.sampling.fromServer &&
      overrides.length === 0 &&
      [...selected.keys()].every((p) => Number(p.meta.sampling_defaults?.temperature ?? 0) === 0 && !(thinkingFor(p.meta, config.sampling) && p.meta.thinking_sampler));
    return {
      format: RESULT_FORMAT,
      schema_version: '1',
      runner: 'nightshift',
      runner_version: RUNNER_VERSION,
      endpoint: config.endpoint,
      model: config.model,
      mode: config.mode,
      started_at: started,
      finished_at: new Date().toISOString(),
      canonical,
      sampling_overrides: overrides.length ? config.sampling.overrides : null,
      sampling_source: config.sampling.fromServer ? 'server' : 'packs',
      server_defaults: serverDefaults ?? null,
      thinking_mode: config.sampling.thinking === undefined ? 'pack-defaults' : config.sampling.thinking ? 'force-on' : 'force-off',
      thinking_control: config.sampling.thinkingControl,
      repeat,
      timeouts: {
        measured_decode_tps: measuredTps ?? null,
        fixed_seconds: config.timeoutPerCaseSeconds ?? null,
        formula: 'base × max(1, reference_tps / measured_tps) × max(1, thinking_max_tokens / pack_max_tokens)',
      },
      packs,
      totals: totalsOf(packs),
      warnings,
    };
  } finally {
    if (ownsTransport) await transport.close();
  }
}

/** Every judged reply stopped at max_tokens: the pass rate then says how long answers are allowed to be,
 * not how good they are. */
function lengthCappedOnly(packs: readonly PackRun[]): string | undefined {
  const answered = packs.flatMap((p) => p.scenarios).filter((r) => r.failure_mode !== 'skipped' && r.status_code !== null && r.status_code < 400);
  if (answered.length === 0 || !answered.every((r) => r.failure_mode === 'token_limit')) return undefined;
  return `all ${answered.length} replies stopped at the token limit (max_tokens): the scores say nothing about the model's answers; raise the packs' max_tokens or thinking_max_tokens, or turn thinking off`;
}

/** Measures decode speed once per run; the journal keeps it so a resumed run uses the same budgets. */
async function decodeSpeed(config: QualityRunConfig, transport: QualityTransport, journal: Journal, warnings: string[], signal?: AbortSignal): Promise<number | undefined> {
  if (config.timeoutPerCaseSeconds !== undefined) return undefined;
  if (journal.has(PROBE_KEY)) {
    const kept = journal.get(PROBE_KEY) as { tps: number | null };
    return kept.tps ?? undefined;
  }
  const tps = await transport.probeDecodeTps(config.model, signal);
  if (tps === undefined) warnings.push('decode-speed probe failed; per-scenario budgets are the packs\' unscaled ones');
  await journal.append(PROBE_KEY, { tps: tps ?? null });
  return tps;
}

function unavailablePack(pack: Pack, thinking: boolean): PackRun {
  const warning = pack.meta.dataset_access_note ?? `skipping ${pack.meta.pack_id}: dataset access required`;
  return {
    ...summarizePack({ pack_id: pack.meta.pack_id, version: pack.meta.version, source: pack.source, suite: suiteForPack(pack.meta), scenario_count: 0, thinking_enabled: thinking, repeat: 1, runs: [] }),
    status: 'dataset-unavailable',
    skipped: true,
    warnings: [warning],
  };
}

async function runScenario(task: Task, config: QualityRunConfig, transport: QualityTransport, measuredTps: number | undefined, signal?: AbortSignal): Promise<ScenarioRun> {
  const { pack, scenario } = task;
  const thinking = thinkingFor(pack.meta, config.sampling);
  const request = buildRequest(pack, scenario, config.model, config.sampling);
  // A scenario whose language cannot run here is not put to the model at all.
  const runtime = requiredRuntime(scenario);
  const missing = runtime && config.execution ? await config.execution.runtime(runtime) : undefined;
  if (missing && !missing.found) {
    return {
      id: scenario.id,
      repeat_index: task.repeat,
      ...(scenario.description ? { description: scenario.description } : {}),
      passed: false,
      failure_mode: 'skipped',
      detail: `skipped: ${missing.reason}`,
      score: 0,
      latency_seconds: 0,
      tokens_completion: null,
      status_code: null,
      request,
      raw_response: null,
      verifier_trace: null,
    };
  }
  const timeoutSeconds = scenarioBudgetSeconds(pack.meta, scenario, {
    ...(config.timeoutPerCaseSeconds !== undefined ? { fixedSeconds: config.timeoutPerCaseSeconds } : {}),
    ...(measuredTps !== undefined ? { measuredTps } : {}),
    thinking,
    thinkingMaxTokens: config.sampling.thinkingMaxTokens,
  });
  const retries = config.retries ?? 2;
  let outcome = await transport.send(request, timeoutSeconds, signal);
  for (let attempt = 1; !outcome.ok && attempt <= retries && (outcome.mode === 'server_error' || outcome.mode === 'model_endpoint_unreachable'); attempt++) {
    await delay((config.retryDelayMs ?? 2000) * 2 ** (attempt - 1), signal);
    outcome = await transport.send(request, timeoutSeconds, signal);
  }
  const base = { id: scenario.id, repeat_index: task.repeat, ...(scenario.description ? { description: scenario.description } : {}), timeout_seconds: timeoutSeconds, request };
  const rawBody = outcome.raw ?? null;
  if (!outcome.ok) {
    if (outcome.mode === 'model_endpoint_unreachable' && config.failOnUnreachable) {
      throw new EndpointUnreachableError(`quality ${pack.meta.pack_id} ${scenario.id}: ${outcome.detail}`);
    }
    return {
      ...base,
      passed: false,
      failure_mode: outcome.mode,
      detail: outcome.detail,
      score: 0,
      latency_seconds: outcome.latencySeconds,
      tokens_completion: null,
      status_code: outcome.status ?? null,
      raw_response: null,
      raw_body: rawBody,
      verifier_trace: null,
    };
  }
  const verdict = await judgeResponse(scenario, outcome.response, config.execution);
  const usage = usageOf(outcome.response);
  return {
    ...base,
    passed: verdict.passed,
    failure_mode: verdict.failure_mode,
    detail: verdict.detail,
    score: verdict.score,
    latency_seconds: outcome.latencySeconds,
    tokens_completion: usage.completion ?? null,
    tokens_prompt: usage.prompt ?? null,
    finish_reason: finishReason(outcome.response) ?? null,
    response_field_used: verdict.response_field_used,
    status_code: outcome.status ?? null,
    raw_response: outcome.response,
    raw_body: rawBody,
    verifier_trace: verdict.verifier_trace,
  };
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        // An abort reason is an Error (a DOMException AbortError by default); anything else is wrapped.
        const reason: unknown = signal.reason;
        reject(reason instanceof Error ? reason : new Error('cancelled', { cause: reason }));
      },
      { once: true },
    );
  });
}
