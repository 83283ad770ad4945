// `quality inspect`: re-renders a saved result (either tool's), lists failures, shows one scenario in
// full (request, response, verdict), narrows to a mode's packs, or diffs against an earlier result.
import { InputError } from '../../errors.js';
import { packsForMode, QUALITY_MODES, type QualityMode } from '../catalog.js';
import { compareResults, renderComparison } from './regression.js';
import { renderFailures, renderReport } from './report.js';
import type { QualityResult, RawBody } from './result-types.js';
import { totalsOf } from './scoring.js';

export interface InspectOptions {
  failed?: boolean;
  scenario?: string;
  full?: boolean;
  mode?: string;
  previous?: { label: string; result: QualityResult };
}

export function inspectResult(result: QualityResult, options: InspectOptions): string {
  let view = result;
  if (options.mode) {
    if (!(QUALITY_MODES as readonly string[]).includes(options.mode)) throw new InputError(`--mode ${options.mode}: expected one of ${QUALITY_MODES.join(', ')}`);
    const wanted = packsForMode(options.mode as QualityMode);
    // BenchLocal's own packs carry no "ns-" prefix; match either spelling of the same pack.
    const packs = result.packs.filter((p) => wanted.includes(p.pack_id) || wanted.includes(`ns-${p.pack_id}`));
    view = { ...result, packs, totals: totalsOf(packs) };
  }
  if (options.scenario) return showScenario(view, options.scenario, options.full === true);
  const parts = [options.failed ? renderFailures(view) : renderReport(view)];
  if (options.previous) parts.push(renderComparison(compareResults(options.previous.result, view), options.previous.label));
  return `${parts.join('\n\n')}\n`;
}

function showScenario(result: QualityResult, wanted: string, full: boolean): string {
  const hits = result.packs.flatMap((p) => p.scenarios.filter((s) => s.id === wanted || `${p.pack_id}/${s.id}` === wanted).map((s) => ({ p, s })));
  if (hits.length === 0) throw new InputError(`--scenario ${wanted}: not in this result`);
  return `${hits
    .map(({ p, s }) => {
      const head = [
        `${p.pack_id} ${s.id} (repeat ${s.repeat_index}): ${s.passed ? 'PASS' : 'FAIL'} ${s.failure_mode}`,
        s.description ? `probes: ${s.description}` : undefined,
        `detail: ${s.detail}`,
        `latency: ${s.latency_seconds.toFixed(3)}s, completion tokens: ${s.tokens_completion ?? '-'}, finish: ${s.finish_reason ?? '-'}`,
      ].filter(Boolean);
      if (!full) return head.join('\n');
      return [
        ...head,
        `request:\n${JSON.stringify(s.request, null, 2)}`,
        `raw response (as assembled, what the verifiers judged):\n${JSON.stringify(s.raw_response, null, 2)}`,
        ...(s.raw_body ? [`response body as received (${rawBodyNote(s.raw_body)}):\n${s.raw_body.text ?? s.raw_body.base64 ?? ''}`] : []),
        `verifier trace:\n${JSON.stringify(s.verifier_trace, null, 2)}`,
      ].join('\n');
    })
    .join('\n\n')}\n`;
}

function rawBodyNote(b: RawBody): string {
  const parts = [b.streamed ? 'streamed' : 'not streamed', b.content_type ?? 'no content-type', `${b.bytes} bytes`];
  if (b.base64 !== undefined) parts.push('not UTF-8, base64');
  if (b.truncated) parts.push(`cut at the ${b.limit_bytes}-byte cap`);
  return parts.join(', ');
}
