// Request accounting at the endpoint, so tests and demos can check what actually reached the "model"
// (e.g. that a resumed suite did not re-send finished samples). Exposed as GET /sim/stats.

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

export interface SimStats {
  requests: number;
  routes: Record<string, number>;
  models: Record<string, ModelStats & { state: string }>;
}

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

  constructor(private readonly modelIds: readonly string[]) {
    this.reset();
  }

  reset(): void {
    this.requests = 0;
    this.routes = {};
    this.models.clear();
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

  snapshot(states: (id: string) => string): SimStats {
    const models: SimStats['models'] = {};
    for (const [id, m] of this.models) models[id] = { ...m, routes: { ...m.routes }, state: states(id) };
    return { requests: this.requests, routes: { ...this.routes }, models };
  }
}
