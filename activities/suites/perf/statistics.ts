// Distributions of per-request figures. Up to EXACT_SAMPLE_LIMIT values every sample is kept and the
// percentiles are exact: linear interpolation between the two nearest order statistics (Hyndman & Fan
// type 7, numpy's default): for sorted x[0..n−1] and percentile p, h = (n − 1)·p/100 and
// P = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). So the median of an even count is the mean of the two
// middle values, and no percentile leaves [min, max]. Past the limit (a cell's inter-chunk gaps, a long
// run's event-loop delays) the samples move into an HDR histogram (3 significant digits, constant
// memory) and its percentiles are clamped to the exact min and max, which are kept beside it with the
// exact count and mean.
import * as hdr from 'hdr-histogram-js';

/** More samples than this are summarised by a histogram rather than kept. */
export const EXACT_SAMPLE_LIMIT = 4096;

export interface DistributionSummary {
  count: number;
  mean: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
  /** How the percentiles were computed: every sample kept ('exact'), or an HDR histogram ('hdr'). */
  method?: 'exact' | 'hdr';
}

/** Percentile `p` (0–100) of ascending `sorted` by linear interpolation between closest ranks. */
export function exactPercentile(sorted: readonly number[], p: number): number {
  const h = ((sorted.length - 1) * Math.min(100, Math.max(0, p))) / 100;
  const lo = Math.floor(h);
  const low = sorted[lo];
  const high = sorted[Math.min(lo + 1, sorted.length - 1)];
  if (low === undefined || high === undefined) throw new RangeError('exactPercentile: no values');
  return low + (h - lo) * (high - low);
}

/** Every sample while there are few; a histogram once there are many. */
type Store = { kind: 'exact'; samples: number[] } | { kind: 'hdr'; histogram: hdr.Histogram };

export class Distribution {
  private store: Store = { kind: 'exact', samples: [] };
  private n = 0;
  private sum = 0;
  private lowest = Number.POSITIVE_INFINITY;
  private highest = Number.NEGATIVE_INFINITY;

  /**
   * @param scale integer sub-units per unit in the histogram (1000: ms kept as µs, tok/s as milli-tok/s).
   * @param exactLimit samples kept exactly before switching to the histogram.
   */
  constructor(
    private readonly scale = 1000,
    private readonly exactLimit = EXACT_SAMPLE_LIMIT,
  ) {}

  record(value: number): void {
    if (!Number.isFinite(value)) return;
    this.n++;
    this.sum += value;
    if (value < this.lowest) this.lowest = value;
    if (value > this.highest) this.highest = value;
    const store = this.store;
    if (store.kind === 'hdr') {
      this.toHistogram(store.histogram, value);
      return;
    }
    store.samples.push(value);
    if (store.samples.length > this.exactLimit) {
      const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, autoResize: true });
      for (const v of store.samples) this.toHistogram(histogram, v);
      this.store = { kind: 'hdr', histogram };
    }
  }

  get count(): number {
    return this.n;
  }

  summary(): DistributionSummary | undefined {
    if (this.n === 0) return undefined;
    const base = { count: this.n, mean: this.sum / this.n, min: this.lowest, max: this.highest };
    const store = this.store;
    if (store.kind === 'exact') {
      const sorted = [...store.samples].sort((a, b) => a - b);
      const at = (p: number): number => exactPercentile(sorted, p);
      return { ...base, p50: at(50), p90: at(90), p99: at(99), method: 'exact' };
    }
    // A histogram bucket's reported value may lie a little outside what was recorded.
    const at = (p: number): number => Math.min(this.highest, Math.max(this.lowest, store.histogram.getValueAtPercentile(p) / this.scale));
    return { ...base, p50: at(50), p90: at(90), p99: at(99), method: 'hdr' };
  }

  private toHistogram(histogram: hdr.Histogram, value: number): void {
    histogram.recordValue(Math.max(0, Math.round(value * this.scale)));
  }
}
