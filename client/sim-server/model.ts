// One simulated model's runtime state: whether it is loaded, its load (with time, slow and failing
// loads), its decode slots (continuous batching) and the per-model request counter that seeds every
// per-request decision.
//
// Continuous batching, simply: a model decodes up to `batching.slots` requests at once. A request that
// starts while k requests are decoding (itself included) decodes at
//   decode_tokens_per_second / (1 + slowdown × (k − 1))
// for its whole life (the rate is fixed at admission; later arrivals do not re-time it). Aggregate
// throughput k / (1 + slowdown × (k − 1)) × rate therefore rises with concurrency and flattens towards
// rate / slowdown; with slowdown 0 every request gets the full rate. Beyond `slots` requests wait in
// FIFO order for a free slot (queue = "wait", their TTFT grows) or are refused with 429 (queue =
// "reject", as llama-swap's concurrencyLimit does).
import type { FaultSpec, ModelSpec } from './config.js';
import { hashString, mixSeed, Rng } from './rng.js';

export type ModelState = 'stopped' | 'starting' | 'ready';

export class LoadError extends Error {}

export class SimModel {
  state: ModelState = 'stopped';
  faults: FaultSpec;
  /** Inference requests received (the n-th request's decisions are seeded with n). */
  requestCount = 0;
  /** Inference requests whose response has ended, for crash_after_requests. */
  finishedCount = 0;
  loadAttempts = 0;
  /** Requests holding a decode slot right now. */
  active = 0;
  lastUsed = 0;
  readonly idHash: number;
  private loadPromise: Promise<void> | undefined;
  private loadTimer: NodeJS.Timeout | undefined;
  private rejectLoad: ((error: Error) => void) | undefined;
  private waiting: Array<() => void> = [];
  /** Bumped by every load and unload; a load that finishes under an older epoch was cancelled. */
  private loadEpoch = 0;
  /** Abort hooks of in-flight requests, run when the model is unloaded (its "process" is killed). */
  readonly inflight = new Set<() => void>();

  constructor(
    readonly spec: ModelSpec,
    private readonly seed: number,
    private readonly events: { onLoaded(model: SimModel, ms: number): void; onLoadFailed(model: SimModel): void },
  ) {
    this.faults = spec.faults;
    this.idHash = hashString(spec.id);
  }

  /** A deterministic random stream for one purpose ("faults", "jitter" …) of the n-th request. */
  rngFor(purpose: number, n: number): Rng {
    return new Rng(mixSeed(this.seed, this.idHash, purpose, n));
  }

  /** Resolves when the model is ready; starts a load if it is stopped. Rejects with LoadError on a failed load. */
  ensureLoaded(): Promise<void> {
    if (this.state === 'ready') return Promise.resolve();
    if (this.loadPromise) return this.loadPromise;
    this.state = 'starting';
    this.loadAttempts++;
    const attempt = this.loadAttempts;
    const epoch = ++this.loadEpoch;
    const fails = this.rngFor(PURPOSE_LOAD, attempt).next() < this.faults.load_fail_rate;
    const ms = this.spec.load_ms + this.faults.load_delay_ms;
    this.loadPromise = new Promise<void>((resolve, reject) => {
      this.rejectLoad = reject;
      const finish = () => {
        // An unload (or a newer load) got here first: this load's outcome no longer matters.
        if (epoch !== this.loadEpoch) return;
        this.loadTimer = undefined;
        this.loadPromise = undefined;
        this.rejectLoad = undefined;
        if (fails) {
          this.state = 'stopped';
          this.events.onLoadFailed(this);
          reject(new LoadError(`simulated load failure for ${this.spec.id} (load attempt ${attempt})`));
          return;
        }
        this.state = 'ready';
        this.events.onLoaded(this, ms);
        resolve();
      };
      if (ms > 0) this.loadTimer = setTimeout(finish, ms);
      else queueMicrotask(finish);
    });
    return this.loadPromise;
  }

  /** Stops the model: a pending load fails, in-flight requests are cut off as if the process died. */
  unload(): boolean {
    const wasRunning = this.state !== 'stopped';
    this.loadEpoch++;
    if (this.loadTimer) clearTimeout(this.loadTimer);
    this.loadTimer = undefined;
    const reject = this.rejectLoad;
    this.loadPromise = undefined;
    this.rejectLoad = undefined;
    this.state = 'stopped';
    reject?.(new LoadError(`${this.spec.id} was unloaded while loading`));
    for (const abort of [...this.inflight]) abort();
    this.inflight.clear();
    return wasRunning;
  }

  /** True when a slot is free now or the request may queue for one. */
  canAdmit(): boolean {
    return this.active < this.spec.batching.slots || this.spec.batching.queue === 'wait';
  }

  /** Takes a decode slot, waiting in FIFO order when all are busy. */
  acquireSlot(): Promise<void> | undefined {
    if (this.active < this.spec.batching.slots) {
      this.active++;
      return undefined;
    }
    return new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  releaseSlot(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter, so `active` stays the same.
    if (next) next();
    else this.active--;
  }

  /** Per-request inter-token latency (ms) for a request admitted now, 0 when decode is instant. */
  itlMs(): number {
    const rate = this.spec.decode_tokens_per_second;
    if (rate <= 0) return 0;
    return (1000 / rate) * (1 + this.spec.batching.slowdown * Math.max(0, this.active - 1));
  }

  /** Prefill time for a prompt (ms): base TTFT plus prompt tokens at the prefill rate. */
  prefillMs(promptTokens: number): number {
    const rate = this.spec.prefill_tokens_per_second;
    return this.spec.ttft_ms + (rate > 0 ? (promptTokens / rate) * 1000 : 0);
  }
}

// Purposes keep the random streams of one request independent of each other.
export const PURPOSE_LOAD = 1;
export const PURPOSE_FAULTS = 2;
export const PURPOSE_JITTER = 3;
export const PURPOSE_TOOLS = 4;
