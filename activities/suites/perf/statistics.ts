// Distributions of per-request figures, kept in HDR histograms (constant memory however many requests
// or tokens; 3 significant digits). Values are stored as integers in a fixed sub-unit (µs for ms, milli-
// tokens/s for rates) and reported back in the unit they came in.
import * as hdr from 'hdr-histogram-js';

export interface DistributionSummary {
  count: number;
  mean: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
}

export class Distribution {
  private readonly histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, autoResize: true });

  /** @param scale integer sub-units per unit (1000: ms recorded as µs). */
  constructor(private readonly scale = 1000) {}

  record(value: number): void {
    if (!Number.isFinite(value)) return;
    this.histogram.recordValue(Math.max(0, Math.round(value * this.scale)));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  summary(): DistributionSummary | undefined {
    const h = this.histogram;
    if (h.totalCount === 0) return undefined;
    const s = this.scale;
    return {
      count: h.totalCount,
      mean: h.mean / s,
      min: h.getValueAtPercentile(0) / s,
      max: h.maxValue / s,
      p50: h.getValueAtPercentile(50) / s,
      p90: h.getValueAtPercentile(90) / s,
      p99: h.getValueAtPercentile(99) / s,
    };
  }
}
