// Turns cell summaries into envelope results with readable names: <measure>_p<prompt>_c<concurrency>,
// the median as the value and a `_p99` twin for latencies. Each row is one figure: its `samples` tag is
// the number of values behind that figure, and it fills at most one first-class envelope field — the one
// whose meaning is the row's value — so the dataset can chart them without parsing names:
// ttft_ms → first_token_latency_ms, prefill_tok_per_sec → prompt_tokens_per_second, decode_tok_per_sec
// → decode_tokens_per_second (per-request median), total_tok_per_sec → total_tokens_per_second
// (aggregate). output_tok_per_sec (the aggregate output rate) fills none: decode_tokens_per_second
// holds the per-request decode speed only. A cell with no successful request publishes no figures, only
// its failed (or skipped) request count. The full cell goes in the first row's raw.
import type { EnvelopeResult } from '../../../workflows/shared/envelope.js';
import type { PerfSuiteName } from './config.js';
import type { CellSummary } from './cell.js';
import { clientBusy } from './event-loop-lag.js';
import type { DistributionSummary } from './statistics.js';

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

/** What `itl_ms` and `chunk_gap_ms` rows mean, in their `itl_definition` tag. */
export const ITL_DEFINITIONS = {
  itl_ms: 'per request: (last token time - first token time) / (completion tokens - 1), server token count',
  chunk_gap_ms: 'per network read: gap between consecutive reads that carried generated text',
} as const;

/** The first-class envelope fields a perf row may fill (with its own value). */
type FigureField = 'first_token_latency_ms' | 'prompt_tokens_per_second' | 'decode_tokens_per_second' | 'total_tokens_per_second';

function distTags(d: DistributionSummary): Record<string, string> {
  return {
    samples: String(d.count),
    percentiles: d.method ?? 'hdr',
    mean: String(round(d.mean)),
    min: String(round(d.min)),
    p50: String(round(d.p50)),
    p90: String(round(d.p90)),
    p99: String(round(d.p99)),
    max: String(round(d.max)),
  };
}

/** Why the cell's client was too busy to measure what the suite reports, or undefined. */
export function cellBusy(suite: PerfSuiteName, cell: CellSummary): string | undefined {
  return suite === 'throughput'
    ? clientBusy(cell.event_loop_lag_ms, cell.itl_ms?.p50, 'ITL')
    : clientBusy(cell.event_loop_lag_ms, cell.ttft_ms?.p50, 'TTFT');
}

export function cellResults(suite: PerfSuiteName, cell: CellSummary): EnvelopeResult[] {
  const suffix = `p${cell.prompt_tokens}_c${cell.concurrency}`;
  const busy = cellBusy(suite, cell);
  const baseTags: Record<string, string> = {
    prompt_tokens: String(cell.prompt_tokens),
    concurrency: String(cell.concurrency),
    max_tokens: String(cell.max_tokens),
    requests: String(cell.requests),
    succeeded: String(cell.succeeded),
    connection_retries: String(cell.connection_retries ?? 0),
    ...(cell.server_slots !== undefined ? { server_slots: String(cell.server_slots) } : {}),
    ...(cell.server_slots !== undefined && cell.concurrency > cell.server_slots ? { exceeds_server_slots: 'true' } : {}),
    ...(busy ? { client_busy: 'true' } : {}),
    ...(cell.prompt_tokens_mean !== undefined ? { prompt_tokens_measured: String(round(cell.prompt_tokens_mean, 1)) } : {}),
    ...(cell.tokens_estimated ? { tokens_estimated: 'true' } : {}),
  };
  const duration = round(cell.wall_seconds);
  const out: EnvelopeResult[] = [];
  const count = (name: string, value: number, tags: Record<string, string>): void => {
    out.push({ name: `${name}_${suffix}`, metric: 'errors', value, unit: 'count', duration_seconds: duration, tags: { ...baseTags, samples: String(cell.requests), better: 'lower', ...tags } });
  };
  const failureTags = Object.fromEntries(Object.entries(cell.failures).map(([k, v]) => [`errors_${k}`, String(v.count)]));

  if (cell.skipped !== undefined) {
    count('skipped_requests', cell.requests, { cell_status: 'skipped', skip_reason: cell.skipped });
  } else if (cell.succeeded === 0) {
    count('failed_requests', cell.requests, { cell_status: 'failed', ...failureTags });
  } else {
    measuredRows(suite, cell, suffix, baseTags, duration, out);
    const failed = cell.requests - cell.succeeded;
    if (failed > 0) count('failed_requests', failed, failureTags);
  }
  // The whole cell, unmodified, for anyone who wants the distributions (first result of the cell only).
  if (out[0]) out[0].raw = { cell };
  return out;
}

function measuredRows(suite: PerfSuiteName, cell: CellSummary, suffix: string, baseTags: Record<string, string>, duration: number, out: EnvelopeResult[]): void {
  // Latencies and lag: lower is better; rates: higher is better (the `better` tag readers rank with).
  const dist = (name: string, metric: string, unit: string, d: DistributionSummary | undefined, options: { p99?: boolean; field?: FigureField; tags?: Record<string, string> } = {}): void => {
    if (!d) return;
    const tags = { ...baseTags, ...distTags(d), ...options.tags, better: unit === 'ms' ? 'lower' : 'higher' };
    const field = options.field ? { [options.field]: round(d.p50) } : {};
    out.push({ name: `${name}_${suffix}`, metric, value: round(d.p50), unit, duration_seconds: duration, ...field, tags: { ...tags, statistic: 'median' } });
    if (options.p99 !== false) out.push({ name: `${name}_${suffix}_p99`, metric, value: round(d.p99), unit, duration_seconds: duration, tags: { ...tags, statistic: 'p99' } });
  };
  const aggregate = (name: string, value: number | undefined, field?: FigureField): void => {
    if (value === undefined) return;
    const v = round(value);
    out.push({
      name: `${name}_${suffix}`,
      metric: 'throughput',
      value: v,
      unit: 'tok/s',
      duration_seconds: duration,
      ...(field ? { [field]: v } : {}),
      // Over all requests of the cell at once: the figure that rises with concurrency.
      tags: { ...baseTags, samples: String(cell.succeeded), statistic: 'aggregate', better: 'higher' },
    });
  };

  dist('ttft_ms', 'latency', 'ms', cell.ttft_ms, { field: 'first_token_latency_ms' });
  dist('prefill_tok_per_sec', 'throughput', 'tok/s', cell.prefill_tok_per_sec, { p99: false, field: 'prompt_tokens_per_second', tags: cell.prefill_source ? { prefill_source: cell.prefill_source } : {} });
  dist('queue_ms', 'latency', 'ms', cell.queue_ms);
  if (suite === 'throughput') {
    dist('decode_tok_per_sec', 'throughput', 'tok/s', cell.decode_tok_per_sec, { p99: false, field: 'decode_tokens_per_second' });
    dist('itl_ms', 'latency', 'ms', cell.itl_ms, { tags: { itl_definition: ITL_DEFINITIONS.itl_ms } });
    dist('chunk_gap_ms', 'latency', 'ms', cell.chunk_gap_ms, { tags: { itl_definition: ITL_DEFINITIONS.chunk_gap_ms } });
    dist('e2e_latency_ms', 'latency', 'ms', cell.e2e_ms);
    aggregate('output_tok_per_sec', cell.output_tok_per_sec);
    aggregate('total_tok_per_sec', cell.total_tok_per_sec, 'total_tokens_per_second');
  }
  dist('schedule_lag_ms', 'client_lag', 'ms', cell.schedule_lag_ms);
  dist('event_loop_lag_ms', 'client_lag', 'ms', cell.event_loop_lag_ms);
}

/** Sentences for the envelope's `errors`: a skipped cell, a cell with no figures, each failure class, a
 * client too busy to measure. */
export function cellErrors(suite: PerfSuiteName, cell: CellSummary): string[] {
  if (cell.skipped !== undefined) return [`${cell.key}: skipped, nothing sent: ${cell.skipped}`];
  const lines = cell.succeeded === 0 ? [`${cell.key}: every request failed, so the cell reports no figures`] : [];
  for (const [cls, f] of Object.entries(cell.failures)) {
    lines.push(`${cell.key}: ${f.count} of ${cell.requests} requests failed with ${cls} (e.g. ${f.example})`);
  }
  const busy = cell.succeeded > 0 ? cellBusy(suite, cell) : undefined;
  if (busy) lines.push(`${cell.key}: ${busy}`);
  return lines;
}

/** Why a cell produced no measurement (skipped, or every request failed), or undefined. */
export function cellGap(cell: CellSummary): string | undefined {
  if (cell.skipped !== undefined) return `${cell.key} skipped (${cell.skipped})`;
  if (cell.succeeded === 0) return `${cell.key}: all ${cell.requests} requests failed (${Object.keys(cell.failures).join(', ') || 'no reply'})`;
  return undefined;
}
