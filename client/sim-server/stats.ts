// Request accounting at the endpoint, so tests and demos can check what actually reached the "model"
// (e.g. that a resumed suite did not re-send finished samples), and the simulator's own timing error:
// how late each streamed token left relative to its planned time. Exposed as GET /sim/stats.
import * as hdr from 'hdr-histogram-js';

export interface ModelStats {
  /** Every request that named this model, by route template ("/v1/chat/completions", …). */
  requests: number;
  routes: Record<string, number>;
  /** Inference requests answered in full. */
  completed: number;
  /** Inference requests that ended any other way: error status, injected disconnect, client abort. */
  failed: number;
  /** Of `failed`, those the client abandoned before the answer was complete. */
  aborted: number;
  prompt_tokens: number;
  completion_tokens: number;
  loads: number;
  load_failures: number;
  unloads: number;
  /** Sum of the simulated (planned) durations of successful loads (ms). */
  load_ms_total: number;
}

export interface LatenessSummary {
  /** Streamed tokens sent on a timed schedule (zero-delay streams are written at once and not counted). */
  tokens: number;
  /** Send time minus planned time, ms (negative = early, within the 0.5 ms tolerance). */
  lateness_ms: { min: number; p50: number; p90: number; p99: number; max: number } | null;
}

export interface SimStats {
  requests: number;
  routes: Record<string, number>;
  models: Record<string, ModelStats & { state: string }>;
  emission: LatenessSummary;
}

/** Offset so early sends (≥ −0.5 ms) are positive integers in the histogram (µs). */
const LATENESS_OFFSET_US = 1000;
/** The histogram's range (one hour); anything later is recorded as one hour. */
const LATENESS_MAX_US = 3_600_000_000;

function emptyModelStats(): ModelStats {
  return {
    requests: 0,
    routes: {},
    completed: 0,
    failed: 0,
    aborted: 0,
    prompt_tokens: 0,
    completion_tokens: 0,
    loads: 0,
    load_failures: 0,
    unloads: 0,
    load_ms_total: 0,
  };
}

export class StatsRecorder {
  private requests = 0;
  private routes: Record<string, number> = {};
  private models = new Map<string, ModelStats>();
  private lateness = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: LATENESS_MAX_US, numberOfSignificantValueDigits: 3 });

  constructor(private readonly modelIds: readonly string[]) {
    this.reset();
  }

  reset(): void {
    this.requests = 0;
    this.routes = {};
    this.models.clear();
    this.lateness.reset();
    for (const id of this.modelIds) this.models.set(id, emptyModelStats());
  }

  model(id: string): ModelStats | undefined {
    return this.models.get(id);
  }

  /** Counts a request on a route, and on the model it names when that model is served here. */
  request(route: string, modelId?: string): void {
    this.requests++;
    this.routes[route] = (this.routes[route] ?? 0) + 1;
    const m = modelId === undefined ? undefined : this.models.get(modelId);
    if (m) {
      m.requests++;
      m.routes[route] = (m.routes[route] ?? 0) + 1;
    }
  }

  completed(modelId: string, promptTokens: number, completionTokens: number): void {
    const m = this.models.get(modelId);
    if (!m) return;
    m.completed++;
    m.prompt_tokens += promptTokens;
    m.completion_tokens += completionTokens;
  }

  failed(modelId: string, aborted = false): void {
    const m = this.models.get(modelId);
    if (!m) return;
    m.failed++;
    if (aborted) m.aborted++;
  }

  /** Records one token's send time minus its planned time (ms). */
  emitted(latenessMs: number): void {
    this.lateness.recordValue(Math.min(LATENESS_MAX_US, Math.max(1, Math.round(latenessMs * 1000) + LATENESS_OFFSET_US)));
  }

  snapshot(states: (id: string) => string): SimStats {
    const models: SimStats['models'] = {};
    for (const [id, m] of this.models) models[id] = { ...m, routes: { ...m.routes }, state: states(id) };
    const h = this.lateness;
    const ms = (us: number) => (us - LATENESS_OFFSET_US) / 1000;
    const emission: LatenessSummary = {
      tokens: h.totalCount,
      lateness_ms:
        h.totalCount === 0
          ? null
          : {
              min: ms(h.minNonZeroValue),
              p50: ms(h.getValueAtPercentile(50)),
              p90: ms(h.getValueAtPercentile(90)),
              p99: ms(h.getValueAtPercentile(99)),
              max: ms(h.maxValue),
            },
    };
    return { requests: this.requests, routes: { ...this.routes }, models, emission };
  }
}
