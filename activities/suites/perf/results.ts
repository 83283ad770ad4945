// Turns cell summaries into envelope results with readable names: <measure>_p<prompt>_c<concurrency>,
// the median as the value and a `_p99` twin for latencies; the first-class envelope fields are filled
// so the dataset can chart them without parsing names. The full distribution goes in tags and raw.
import type { EnvelopeResult } from '../../../workflows/shared/envelope.js';
import type { PerfSuiteName } from './config.js';
import type { CellSummary } from './cell.js';
import type { DistributionSummary } from './statistics.js';

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

function distTags(d: DistributionSummary): Record<string, string> {
  return {
    samples: String(d.count),
    mean: String(round(d.mean)),
    min: String(round(d.min)),
    p50: String(round(d.p50)),
    p90: String(round(d.p90)),
    p99: String(round(d.p99)),
    max: String(round(d.max)),
  };
}

export function cellResults(suite: PerfSuiteName, cell: CellSummary): EnvelopeResult[] {
  const suffix = `p${cell.prompt_tokens}_c${cell.concurrency}`;
  const baseTags: Record<string, string> = {
    prompt_tokens: String(cell.prompt_tokens),
    concurrency: String(cell.concurrency),
    max_tokens: String(cell.max_tokens),
    requests: String(cell.requests),
    succeeded: String(cell.succeeded),
    ...(cell.prompt_tokens_mean !== undefined ? { prompt_tokens_measured: String(round(cell.prompt_tokens_mean, 1)) } : {}),
    ...(cell.tokens_estimated ? { tokens_estimated: 'true' } : {}),
  };
  const duration = round(cell.wall_seconds);
  const out: EnvelopeResult[] = [];
  // Latencies and lag: lower is better; rates: higher is better (the `better` tag readers rank with).
  const dist = (name: string, metric: string, unit: string, d: DistributionSummary | undefined, p99 = true, extra: Partial<EnvelopeResult> = {}): void => {
    if (!d) return;
    const tags = { ...baseTags, ...distTags(d), better: unit === 'ms' ? 'lower' : 'higher' };
    out.push({ name: `${name}_${suffix}`, metric, value: round(d.p50), unit, duration_seconds: duration, ...extra, tags: { ...tags, statistic: 'median' } });
    if (p99) out.push({ name: `${name}_${suffix}_p99`, metric, value: round(d.p99), unit, duration_seconds: duration, tags: { ...tags, statistic: 'p99' } });
  };

  // Each row fills the first-class field that means the same as its value (medians per request).
  const ttft = cell.ttft_ms ? { first_token_latency_ms: round(cell.ttft_ms.p50) } : {};
  const prefill = cell.prefill_tok_per_sec ? { prompt_tokens_per_second: round(cell.prefill_tok_per_sec.p50) } : {};
  const decode = cell.decode_tok_per_sec ? { decode_tokens_per_second: round(cell.decode_tok_per_sec.p50) } : {};
  dist('ttft_ms', 'latency', 'ms', cell.ttft_ms, true, { ...ttft, ...prefill });
  dist('prefill_tok_per_sec', 'throughput', 'tok/s', cell.prefill_tok_per_sec, false, { ...ttft, ...prefill });
  if (suite === 'throughput') {
    dist('decode_tok_per_sec', 'throughput', 'tok/s', cell.decode_tok_per_sec, false, decode);
    dist('itl_ms', 'latency', 'ms', cell.itl_ms);
    dist('e2e_latency_ms', 'latency', 'ms', cell.e2e_ms);
    if (cell.output_tok_per_sec !== undefined) {
      out.push({
        name: `output_tok_per_sec_${suffix}`,
        metric: 'throughput',
        value: round(cell.output_tok_per_sec),
        unit: 'tok/s',
        duration_seconds: duration,
        // Aggregate over all requests in flight: the figure that rises with concurrency.
        decode_tokens_per_second: round(cell.output_tok_per_sec),
        ...(cell.total_tok_per_sec !== undefined ? { total_tokens_per_second: round(cell.total_tok_per_sec) } : {}),
        tags: { ...baseTags, statistic: 'aggregate', better: 'higher' },
      });
    }
  }
  dist('schedule_lag_ms', 'client_lag', 'ms', cell.schedule_lag_ms);
  const failed = cell.requests - cell.succeeded;
  if (failed > 0) {
    out.push({
      name: `failed_requests_${suffix}`,
      metric: 'errors',
      value: failed,
      unit: 'count',
      duration_seconds: duration,
      tags: { ...baseTags, better: 'lower', ...Object.fromEntries(Object.entries(cell.failures).map(([k, v]) => [`errors_${k}`, String(v.count)])) },
    });
  }
  // The whole cell, unmodified, for anyone who wants the distributions (first result of the cell only).
  if (out[0]) out[0].raw = { cell };
  return out;
}

/** One sentence per failure class of a cell, for the envelope's `errors`. */
export function cellErrors(cell: CellSummary): string[] {
  return Object.entries(cell.failures).map(
    ([cls, f]) => `${cell.key}: ${f.count} of ${cell.requests} requests failed with ${cls} (e.g. ${f.example})`,
  );
}
