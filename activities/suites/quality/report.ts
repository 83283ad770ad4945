// Human-readable output of a quality run: the markdown table (Pack | Pass / Total | Score | p50 | p95
// | Status, then TOTAL), the failure breakdown, and the one-line `Quality:` summary.
import { TRANSPORT_FAILURES, type FailureMode } from './failure-modes.js';
import type { PackRun, QualityResult } from './result-types.js';
import { latencySummary } from './scoring.js';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const secs = (x: number | null): string => (x === null ? '-' : `${x.toFixed(2)}s`);

export function renderTable(result: QualityResult): string {
  const rows = [
    '| Pack | Pass / Total | Score | p50 latency | p95 latency | Status |',
    '|---|---|---|---|---|---|',
    ...result.packs.map(
      (p) => `| ${p.pack_id} v${p.version} | ${p.passed} / ${p.total} | ${pct(p.score)}${passAtK(p)} | ${secs(p.latency.p50)} | ${secs(p.latency.p95)} | ${p.status} |`,
    ),
  ];
  const all = result.packs
    .flatMap((p) => p.scenarios.filter((s) => !TRANSPORT_FAILURES.has(s.failure_mode as FailureMode)).map((s) => s.latency_seconds))
    .filter((l) => l > 0);
  // The same median and nearest-rank p95 as each pack's row.
  const { p50, p95 } = latencySummary(all);
  const status = result.packs.every((p) => p.status === 'ok') ? 'ok' : 'see packs';
  rows.push(`| **TOTAL** | **${result.totals.passed} / ${result.totals.total}** | **${pct(result.totals.score)}** | ${secs(p50)} | ${secs(p95)} | ${status} |`);
  return rows.join('\n');
}

function passAtK(p: PackRun): string {
  return p.pass_at_k ? ` (pass@${p.pass_at_k.k} ${pct(p.pass_at_k.score)}${p.flaky?.length ? `, flaky: ${p.flaky.join(' ')}` : ''})` : '';
}

export function renderFailures(result: QualityResult): string {
  const lines: string[] = [];
  for (const p of result.packs) {
    for (const s of p.scenarios) {
      if (s.passed) continue;
      const repeat = (result.repeat ?? 1) > 1 ? ` #${s.repeat_index}` : '';
      lines.push(`- ${p.pack_id} ${s.id}${repeat}: ${s.failure_mode} (${oneLine(s.detail)})`);
    }
  }
  return lines.length ? `Failures:\n${lines.join('\n')}` : 'Failures: none';
}

export function summaryLine(result: QualityResult): string {
  const packs = result.packs.map((p) => `${p.pack_id}@${p.version}`).join(', ');
  const date = result.started_at.slice(0, 10);
  const canonical = result.canonical === false ? ', non-canonical sampling' : '';
  return `Quality: ${result.totals.passed}/${result.totals.total} (${pct(result.totals.score)}) for ${result.model}, mode ${result.mode}, thinking ${result.thinking_mode ?? 'pack-defaults'}${canonical}, packs ${packs}, ${date}`;
}

export function renderReport(result: QualityResult): string {
  const warnings = result.warnings.length ? `\nWarnings:\n${result.warnings.map((w) => `- ${w}`).join('\n')}\n` : '';
  return `${renderTable(result)}\n\n${renderFailures(result)}\n${warnings}\n${summaryLine(result)}\n`;
}

function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
