// The client's own event-loop lag while a cell is measured. Wire times are taken when undici reads the
// socket, which happens only when the event loop gets to it: while this process is busy (other requests'
// callbacks, garbage collection, a memory sample) arriving data waits and its time is taken late. Node's
// monitorEventLoopDelay samples that delay with a libuv timer every RESOLUTION_MS; each sample is the time
// between two firings, so the lag is that minus the resolution. A cell whose lag is large against the
// figure it reports is flagged: its numbers include the client's delay.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { DistributionSummary } from './statistics.js';

/** Sampling period of the monitor: 1 ms sees any stall longer than a millisecond. The timer is native
 * (no JavaScript runs per sample), so it costs next to nothing. */
const RESOLUTION_MS = 1;
const NS_PER_MS = 1e6;

/** A cell is flagged when its lag p99 exceeds this share of the figure it reports (ITL median for the
 * throughput suite, TTFT median for the ttft suite): past it the client's own delay is a visible part of
 * that figure's tail. Lag within the monitor's resolution is never flagged: a libuv timer fires up to a
 * millisecond late on an idle loop too, so the monitor cannot tell such lag from its own granularity. */
export const BUSY_SHARE = 0.1;

export class EventLoopLag {
  private readonly monitor: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });

  start(): void {
    this.monitor.reset();
    this.monitor.enable();
  }

  /** Stops and summarises in ms (lag beyond the sampling period, never below 0). */
  stop(): DistributionSummary | undefined {
    const m = this.monitor;
    m.disable();
    if (m.count === 0) return undefined;
    const lag = (ns: number): number => Math.max(0, ns / NS_PER_MS - RESOLUTION_MS);
    return { count: m.count, mean: lag(m.mean), min: lag(m.min), max: lag(m.max), p50: lag(m.percentile(50)), p90: lag(m.percentile(90)), p99: lag(m.percentile(99)), method: 'hdr' };
  }
}

/** Why a cell's client was too busy to measure `figure` (whose median is `referenceMs`), or undefined. */
export function clientBusy(lag: DistributionSummary | undefined, referenceMs: number | undefined, figure: string): string | undefined {
  if (!lag || referenceMs === undefined || referenceMs <= 0) return undefined;
  if (lag.p99 <= Math.max(BUSY_SHARE * referenceMs, RESOLUTION_MS)) return undefined;
  return `client too busy to measure: event-loop lag p99 ${lag.p99.toFixed(2)} ms is above ${BUSY_SHARE * 100} % of the ${figure} median ${referenceMs.toFixed(2)} ms, so its figures include the client's own delay`;
}
