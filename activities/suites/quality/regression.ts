// Compares two quality results: a pack regressed when its pass rate fell; a scenario regressed when its
// pass rate across repeats fell (e.g. passed before, fails now). Only packs and scenarios present in
// both runs are compared; pack versions that differ are reported, since the comparison then mixes tests.
import type { QualityResult } from './result-types.js';

export interface Change {
  pack_id: string;
  scenario?: string;
  before: number;
  after: number;
  detail?: string;
}

export interface Comparison {
  regressions: Change[];
  improvements: Change[];
  notes: string[];
}

function scenarioRates(result: QualityResult): Map<string, { rate: number; detail: string }> {
  const tally = new Map<string, { passed: number; total: number; detail: string }>();
  for (const p of result.packs) {
    for (const s of p.scenarios) {
      const key = `${p.pack_id}/${s.id}`;
      const t = tally.get(key) ?? { passed: 0, total: 0, detail: '' };
      t.total++;
      if (s.passed) t.passed++;
      else t.detail = `${s.failure_mode}: ${s.detail}`;
      tally.set(key, t);
    }
  }
  return new Map([...tally].map(([k, t]) => [k, { rate: t.passed / t.total, detail: t.detail }]));
}

export function compareResults(previous: QualityResult, current: QualityResult): Comparison {
  const out: Comparison = { regressions: [], improvements: [], notes: [] };
  const prevPacks = new Map(previous.packs.map((p) => [p.pack_id, p]));
  for (const p of current.packs) {
    const before = prevPacks.get(p.pack_id);
    if (!before) {
      out.notes.push(`${p.pack_id}: not in the previous result`);
      continue;
    }
    if (before.version !== p.version) out.notes.push(`${p.pack_id}: pack version changed ${before.version} → ${p.version}`);
    const change = { pack_id: p.pack_id, before: before.score, after: p.score };
    if (p.score < before.score - 1e-9) out.regressions.push(change);
    else if (p.score > before.score + 1e-9) out.improvements.push(change);
  }
  const prev = scenarioRates(previous);
  for (const [key, now] of scenarioRates(current)) {
    const then = prev.get(key);
    if (!then) continue;
    const [pack_id, scenario] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
    if (now.rate < then.rate - 1e-9) out.regressions.push({ pack_id, scenario, before: then.rate, after: now.rate, detail: now.detail });
    else if (now.rate > then.rate + 1e-9) out.improvements.push({ pack_id, scenario, before: then.rate, after: now.rate });
  }
  return out;
}

export function renderComparison(c: Comparison, previousLabel: string): string {
  const fmt = (x: number) => `${(x * 100).toFixed(0)}%`;
  const line = (ch: Change) => `- ${ch.pack_id}${ch.scenario ? ` ${ch.scenario}` : ''}: ${fmt(ch.before)} → ${fmt(ch.after)}${ch.detail ? ` (${ch.detail.replace(/\s+/g, ' ').slice(0, 160)})` : ''}`;
  const parts = [`Compared with ${previousLabel}:`];
  parts.push(c.regressions.length ? `Regressions:\n${c.regressions.map(line).join('\n')}` : 'Regressions: none');
  if (c.improvements.length) parts.push(`Improvements:\n${c.improvements.map(line).join('\n')}`);
  if (c.notes.length) parts.push(`Notes:\n${c.notes.map((n) => `- ${n}`).join('\n')}`);
  return parts.join('\n');
}
