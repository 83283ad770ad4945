// The table `nightshift run` prints: one row per cell (prompt length × concurrency), the figures a person
// compares first. A cell that produced no measurement says why in its ok/sent column; its figures are "—".
import { terminalTable } from '../terminal/table.js';
import type { Envelope } from '../../workflows/shared/envelope.js';
import type { CellSummary } from '../../activities/suites/perf/cell.js';

export function summaryTable(envelope: Envelope): string {
  const cells = envelope.results.map((r) => (r.raw as { cell?: CellSummary } | undefined)?.cell).filter((c): c is CellSummary => c !== undefined);
  const f = (x: number | undefined, digits = 1): string => (x === undefined ? '—' : x.toFixed(digits));
  const throughput = envelope.suite === 'throughput';
  const head = ['prompt', 'conc', 'ok/sent', 'TTFT p50 ms', 'TTFT p99 ms', 'queue p50 ms', 'prefill tok/s'];
  if (throughput) head.push('decode tok/s', 'ITL p50 ms', 'ITL p99 ms', 'E2E p50 ms', 'output tok/s');
  head.push('lag p99 ms', 'loop lag p99 ms', 'retries');
  const table = terminalTable({ head });
  for (const c of cells) {
    const status = c.skipped !== undefined ? 'skipped' : `${c.succeeded}/${c.requests}`;
    const row = [String(c.prompt_tokens), String(c.concurrency), status, f(c.ttft_ms?.p50), f(c.ttft_ms?.p99), f(c.queue_ms?.p50), f(c.prefill_tok_per_sec?.p50, 0)];
    if (throughput) row.push(f(c.decode_tok_per_sec?.p50), f(c.itl_ms?.p50, 2), f(c.itl_ms?.p99, 2), f(c.e2e_ms?.p50), f(c.output_tok_per_sec));
    row.push(f(c.schedule_lag_ms?.p99, 2), f(c.event_loop_lag_ms?.p99, 2), String(c.connection_retries ?? 0));
    table.push(row);
  }
  return `${envelope.suite} · ${envelope.model} · ${envelope.timestamp}\n${table.toString()}`;
}
