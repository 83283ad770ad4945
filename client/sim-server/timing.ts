// A request's simulated timeline and the llama.cpp `timings` object derived from it.
//
// Token i is due at  start + prompt_ms + Σ_{k=1..i} gap_k,  where start is when the request got a decode
// slot on a loaded model (its arrival, unless it waited for a load or a slot), prompt_ms is the model's
// prefill time for the prompt and each gap is the per-request inter-token latency. With jitter j > 0
// every duration is scaled by a seeded factor uniform in [1 − j, 1 + j]. Times are absolute, so the
// stream never drifts however late a timer fires.
//
// `timings` follows llama-server: prompt_ms is the time to the first token, predicted_ms the time from
// the first token to the last, predicted_n counts every generated token (the first included), and the
// per-token/per-second fields are derived from those (a zero duration gives null, as llama-server's
// JSON gives for its infinite rate).
import { Rng } from './rng.js';

export class TimingPlan {
  /** Absolute time (performance.now()) of the next token. */
  nextAt: number;
  /** Planned time to first token (ms from start). */
  readonly promptMs: number;
  /** Sum of gaps after the first token (ms), grows as tokens are planned. */
  predictedMs = 0;
  private readonly rng: Rng | undefined;

  constructor(
    readonly start: number,
    promptMs: number,
    private readonly itlMs: number,
    private readonly jitter: number,
    jitterSeed: number,
  ) {
    this.rng = jitter > 0 ? new Rng(jitterSeed) : undefined;
    this.promptMs = this.jittered(promptMs);
    this.nextAt = start + this.promptMs;
  }

  get zeroDelay(): boolean {
    return this.promptMs === 0 && this.itlMs === 0;
  }

  private jittered(ms: number): number {
    if (!this.rng || ms === 0) return ms;
    return ms * (1 + this.jitter * (2 * this.rng.next() - 1));
  }

  /** Moves to the following token; returns its absolute due time. */
  advance(): number {
    const gap = this.jittered(this.itlMs);
    this.predictedMs += gap;
    this.nextAt += gap;
    return this.nextAt;
  }
}

export interface LlamaTimings {
  cache_n: number;
  prompt_n: number;
  prompt_ms: number;
  prompt_per_token_ms: number;
  prompt_per_second: number | null;
  predicted_n: number;
  predicted_ms: number;
  predicted_per_token_ms: number;
  predicted_per_second: number | null;
}

function rate(n: number, ms: number): number | null {
  return ms > 0 ? (1e3 / ms) * n : null;
}

export function llamaTimings(promptTokens: number, promptMs: number, predictedTokens: number, predictedMs: number): LlamaTimings {
  return {
    cache_n: 0,
    prompt_n: promptTokens,
    prompt_ms: promptMs,
    prompt_per_token_ms: promptTokens > 0 ? promptMs / promptTokens : 0,
    prompt_per_second: rate(promptTokens, promptMs),
    predicted_n: predictedTokens,
    predicted_ms: predictedMs,
    predicted_per_token_ms: predictedTokens > 0 ? predictedMs / predictedTokens : 0,
    predicted_per_second: rate(predictedTokens, predictedMs),
  };
}
