// lm-eval's output → suite progress. Two lines matter:
//   "Cached requests: 12, Requests remaining: 28"   (with --use_cache, before each request phase)
//   "Requesting API:  37%|███▋      | 10/28 [...]"   (the uncached requests going out)
// Progress counts cached answers as done, so a resumed attempt starts at what the last one finished.
import type { SuiteProgress } from '../types.js';
import { parseTqdmLine } from './tqdm-progress.js';

const CACHED = /Cached requests: (\d+), Requests remaining: (\d+)/;

export class LmEvalProgress {
  private cached = 0;
  private remaining = 0;
  private totalCached = 0;

  /** Progress to report for this line, or undefined when the line says nothing about it. */
  update(line: string): SuiteProgress | undefined {
    const c = CACHED.exec(line);
    if (c) {
      this.cached = Number(c[1]);
      this.remaining = Number(c[2]);
      this.totalCached += this.cached;
      const total = this.cached + this.remaining;
      return { completed: this.cached, total, checkpoint: `cached:${this.cached}`, detail: `${this.cached}/${total} (${this.cached} from cache)` };
    }
    const bar = parseTqdmLine(line);
    if (!bar || bar.label !== 'Requesting API') return undefined;
    const completed = this.cached + bar.completed;
    const total = this.cached + Math.max(bar.total, this.remaining);
    return { completed, total, checkpoint: `requested:${completed}`, detail: `Requesting API ${completed}/${total}` };
  }

  /** Answers taken from the cache over the whole run (0 on a first attempt). */
  cachedRequests(): number {
    return this.totalCached;
  }
}
