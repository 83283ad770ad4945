// Tracks the peak RSS of the model server while a suite runs (`peak_rss_mb` per result). Samples never
// overlap (the next one is scheduled when the previous finished), the timer does not keep the process
// alive, and a sample that finds no process is counted, not thrown: a server restarting mid-suite must
// not fail the suite. Each sample reads only the server's own processes (tree-rss.ts), so sampling
// costs a small fraction of a percent of a core (docs/performance.md, `npm run bench:memory`).
import { MemoryTargetNotFoundError, resolveTarget, type MemoryTarget, type ResolvedTarget } from './target.js';
import { round } from './snapshot.js';
import { TreeRss } from './tree-rss.js';

export interface PeakRssReport {
  /** Highest summed RSS seen, MiB; undefined when no sample found the target. */
  peak_rss_mb: number | undefined;
  samples: number;
  /** Samples in which no process matched the target. */
  misses: number;
  /** Distinct problems met while sampling (one line each, for the envelope's `errors`). */
  errors: string[];
  /** Times the whole process table was read (finding the server's processes), not per sample. */
  tableReads: number;
}

export interface PeakRssSamplerOptions {
  /** Time between samples; default 1000 ms. */
  intervalMs?: number;
}

export class PeakRssSampler {
  private tree: TreeRss | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private inFlight: Promise<void> | undefined;
  private peakBytes: number | undefined;
  private samples = 0;
  private misses = 0;
  private readonly errors = new Set<string>();
  private readonly intervalMs: number;

  constructor(
    private readonly target: MemoryTarget | ResolvedTarget,
    options: PeakRssSamplerOptions = {},
  ) {
    this.intervalMs = Math.max(10, options.intervalMs ?? 1000);
  }

  /** Resolves the target (throws if it cannot be resolved) and takes the first sample. */
  async start(): Promise<void> {
    if (this.running) return;
    this.tree = new TreeRss(await resolveTarget(this.target));
    this.running = true;
    await this.tick();
  }

  /** Takes one last sample and reports. */
  async stop(): Promise<PeakRssReport> {
    if (this.running) {
      this.running = false;
      clearTimeout(this.timer);
      await this.inFlight;
      await this.sampleOnce();
    }
    return this.report();
  }

  get peakRssMb(): number | undefined {
    return this.peakBytes === undefined ? undefined : round(this.peakBytes / 1024 ** 2, 1);
  }

  report(): PeakRssReport {
    return { peak_rss_mb: this.peakRssMb, samples: this.samples, misses: this.misses, errors: [...this.errors], tableReads: this.tree?.tableReads ?? 0 };
  }

  private async tick(): Promise<void> {
    this.inFlight = this.sampleOnce();
    await this.inFlight;
    if (!this.running) return;
    this.timer = setTimeout(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  private async sampleOnce(): Promise<void> {
    if (!this.tree) return;
    this.samples++;
    try {
      const { rssBytes } = await this.tree.read();
      if (this.peakBytes === undefined || rssBytes > this.peakBytes) this.peakBytes = rssBytes;
    } catch (error) {
      if (error instanceof MemoryTargetNotFoundError) this.misses++;
      this.errors.add(`memory sampling: ${(error as Error).message}`);
    }
  }
}
