// Turns a quality result into envelope results: per pack a pass rate, a partial score, p50/p95
// latency and (with --repeat) pass@k; per scenario a 0/1 pass with its failure mode, so a dataset
// query can find which scenario regressed. Packs are grouped by the envelope suite they publish under
// (see suiteForPack in ../catalog.ts): one envelope per suite. Scores are higher-is-better, latencies
// lower (the `better` tag).
import type { EnvelopeResult } from '../../../workflows/shared/envelope.js';
import type { PackRun, QualityResult } from './result-types.js';

export function packResults(pack: PackRun, run: Pick<QualityResult, 'mode' | 'canonical' | 'thinking_mode'>): EnvelopeResult[] {
  // A pack that did not run (dataset-unavailable) has no numbers; the run's warnings say why.
  if (pack.skipped) return [];
  const tags: Record<string, string> = {
    pack_id: pack.pack_id,
    pack_version: pack.version,
    mode: run.mode,
    thinking: pack.thinking_enabled ? 'on' : 'off',
    canonical: String(run.canonical ?? false),
    status: pack.status,
  };
  const judged = pack.scenarios.filter((r) => r.failure_mode !== 'skipped');
  const meanScore = judged.length ? judged.reduce((s, r) => s + (r.score ?? (r.passed ? 100 : 0)), 0) / judged.length : 0;
  const higher = { ...tags, better: 'higher' };
  const lower = { ...tags, better: 'lower' };
  const out: EnvelopeResult[] = [
    { name: pack.pack_id, metric: 'pass_rate', value: pack.score, unit: 'ratio', tags: { ...higher, passed: String(pack.passed), total: String(pack.total) } },
    { name: pack.pack_id, metric: 'partial_score', value: meanScore, unit: 'percent', tags: higher },
  ];
  if (pack.latency.p50 !== null) out.push({ name: pack.pack_id, metric: 'latency_p50', value: pack.latency.p50, unit: 'seconds', tags: lower });
  if (pack.latency.p95 !== null) out.push({ name: pack.pack_id, metric: 'latency_p95', value: pack.latency.p95, unit: 'seconds', tags: lower });
  if (pack.pass_at_k) {
    out.push({ name: pack.pack_id, metric: `pass_at_${pack.pass_at_k.k}`, value: pack.pass_at_k.score, unit: 'ratio', tags: { ...higher, flaky: (pack.flaky ?? []).join(',') } });
  }
  for (const s of pack.scenarios) {
    if (s.failure_mode === 'skipped') continue; // not judged here: no 0 that reads as a failure
    const result: EnvelopeResult = {
      name: `${pack.pack_id}/${s.id}`,
      metric: 'pass',
      value: s.passed ? 1 : 0,
      unit: 'boolean',
      duration_seconds: s.latency_seconds,
      tags: { ...higher, scenario_id: s.id, repeat_index: String(s.repeat_index), failure_mode: s.failure_mode, score: String(s.score ?? '') },
      raw: { detail: s.detail, failure_mode: s.failure_mode, score: s.score ?? null, tokens_completion: s.tokens_completion, finish_reason: s.finish_reason ?? null },
    };
    if (s.tokens_completion && s.latency_seconds > 0) result.decode_tokens_per_second = s.tokens_completion / s.latency_seconds;
    out.push(result);
  }
  return out;
}
