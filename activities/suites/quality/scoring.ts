// Aggregation of scenario runs into pack and run figures: pass counts, latency percentiles, pass@k and
// flaky scenarios under --repeat, and the thinking arm-validity check (thinking asked but never seen;
// thinking off but reasoning returned — either makes the pack's numbers a different experiment).
import { TRANSPORT_FAILURES, type FailureMode } from './failure-modes.js';
import { hasReasoning } from './response-text.js';
import type { LatencySummary, PackRun, ScenarioRun } from './result-types.js';

/** Nearest-rank percentile on sorted values (p in 0..1), as benchlocal-cli reports p95. */
export function latencySummary(values: number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const middle = sorted[mid];
  const p95 = sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(0.95 * (sorted.length - 1))))];
  // Both exist exactly when there are values.
  if (middle === undefined || p95 === undefined) return { p50: null, p95: null, mean: null };
  // An even count has a value below the middle one: the median is their mean.
  const p50 = sorted.length % 2 ? middle : ((sorted[mid - 1] ?? middle) + middle) / 2;
  return { p50, p95, mean: sorted.reduce((s, v) => s + v, 0) / sorted.length };
}

export function thinkingValidity(runs: ScenarioRun[], expectedOn: boolean): PackRun['thinking_validity'] {
  let responses = 0;
  let withReasoning = 0;
  for (const r of runs) {
    const seen = hasReasoning(r.raw_response);
    if (seen === undefined) continue;
    responses++;
    if (seen) withReasoning++;
  }
  if (responses === 0) return null;
  const status = expectedOn && withReasoning === 0 ? 'silent' : !expectedOn && withReasoning > 0 ? 'contaminated' : 'ok';
  return { expected: expectedOn ? 'on' : 'off', responses, with_reasoning: withReasoning, status };
}

export function validityWarning(packId: string, v: NonNullable<PackRun['thinking_validity']>): string | undefined {
  if (v.status === 'silent') {
    return `${packId}: thinking was requested but none of ${v.responses} responses carried reasoning (model without a thinking mode, or the server is not parsing it): not a valid thinking arm`;
  }
  if (v.status === 'contaminated') {
    return `${packId}: thinking was off but ${v.with_reasoning} of ${v.responses} responses carried reasoning (server forcing reasoning, or the off switch is not the one this chat template reads; try --thinking-control reasoning_effort): not a valid no-thinking baseline`;
  }
  return undefined;
}

export interface PackSummaryInput {
  pack_id: string;
  version: string;
  source?: string;
  suite?: string;
  scenario_count: number;
  thinking_enabled: boolean;
  repeat: number;
  runs: ScenarioRun[];
}

export function summarizePack(input: PackSummaryInput): PackRun {
  const { repeat } = input;
  // A scenario that could not be judged here (its runtime is missing) is not a failure of the model.
  const skipped = input.runs.filter((r) => r.failure_mode === 'skipped');
  const runs = input.runs.filter((r) => r.failure_mode !== 'skipped');
  const passed = runs.filter((r) => r.passed).length;
  const total = runs.length;
  // Transport failures have no meaningful model latency.
  const latencies = runs.filter((r) => !TRANSPORT_FAILURES.has(r.failure_mode as FailureMode) && r.latency_seconds > 0).map((r) => r.latency_seconds);
  const validity = thinkingValidity(runs, input.thinking_enabled);
  const warnings: string[] = [];
  const warning = validity ? validityWarning(input.pack_id, validity) : undefined;
  if (warning) warnings.push(warning);
  if (skipped.length > 0) {
    const reasons = [...new Set(skipped.map((r) => r.detail))];
    warnings.push(`${input.pack_id}: ${skipped.length} scenario run(s) not judged and not counted (${skipped.map((r) => r.id).join(', ')}): ${reasons.join('; ')}`);
  }
  let passAtK: PackRun['pass_at_k'] = null;
  const flaky: string[] = [];
  if (repeat > 1) {
    const byId = new Map<string, boolean[]>();
    for (const r of runs) byId.set(r.id, [...(byId.get(r.id) ?? []), r.passed]);
    let anyPass = 0;
    for (const [id, outcomes] of byId) {
      if (outcomes.some(Boolean)) anyPass++;
      if (outcomes.some(Boolean) && outcomes.some((o) => !o)) flaky.push(id);
    }
    passAtK = { k: repeat, passed: anyPass, total: byId.size, score: byId.size ? anyPass / byId.size : 0 };
  }
  return {
    pack_id: input.pack_id,
    version: input.version,
    ...(input.source ? { source: input.source } : {}),
    ...(input.suite ? { suite: input.suite } : {}),
    scenario_count: input.scenario_count,
    passed,
    total,
    score: total ? passed / total : 0,
    latency: latencySummary(latencies),
    thinking_enabled: input.thinking_enabled,
    status: validity && validity.status !== 'ok' ? `thinking-${validity.status}` : total ? 'ok' : 'empty',
    warnings,
    pass_at_k: passAtK,
    flaky,
    thinking_validity: validity,
    scenarios: input.runs,
  };
}

export function totalsOf(packs: PackRun[]): { passed: number; total: number; score: number } {
  const passed = packs.reduce((s, p) => s + p.passed, 0);
  const total = packs.reduce((s, p) => s + p.total, 0);
  return { passed, total, score: total ? passed / total : 0 };
}
