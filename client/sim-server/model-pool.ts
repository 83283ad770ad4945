// The set of simulated models and llama-swap's swap rule: at most `max_loaded_models` models are
// running (ready or starting); starting another stops the least recently used ones first, the way
// llama-swap stops the other process group before starting the requested model. Requests for a model
// that is not loaded wait for its load (llama-swap blocks them too), so their TTFT includes the load.
import type { SimConfig } from './config.js';
import { SimModel } from './model.js';
import type { StatsRecorder } from './stats.js';

export class ModelPool {
  readonly models = new Map<string, SimModel>();
  readonly order: SimModel[];
  private useClock = 0;

  constructor(
    config: SimConfig,
    seed: number,
    private readonly maxLoaded: number,
    private readonly stats: StatsRecorder,
    private readonly log: (message: string) => void,
  ) {
    const events = {
      onLoaded: (m: SimModel, ms: number) => {
        const s = this.stats.model(m.spec.id);
        if (s) {
          s.loads++;
          s.load_ms_total += ms;
        }
        this.log(`model ${m.spec.id} loaded (simulated load of ${ms.toFixed(0)} ms)`);
      },
      onLoadFailed: (m: SimModel) => {
        const s = this.stats.model(m.spec.id);
        if (s) s.load_failures++;
        this.log(`model ${m.spec.id} failed to load (simulated fault)`);
      },
    };
    for (const spec of config.models) this.models.set(spec.id, new SimModel(spec, seed, events));
    this.order = [...this.models.values()];
  }

  get(id: string): SimModel | undefined {
    return this.models.get(id);
  }

  ids(): string[] {
    return this.order.map((m) => m.spec.id);
  }

  state(id: string): string {
    return this.models.get(id)?.state ?? 'unknown';
  }

  /** Marks a ready model as just used (LRU order for swaps). */
  touch(model: SimModel): void {
    model.lastUsed = ++this.useClock;
  }

  /** Makes `model` loaded (swapping others out if needed) and marks it used. */
  ensureLoaded(model: SimModel): Promise<void> {
    model.lastUsed = ++this.useClock;
    if (model.state !== 'stopped') return model.ensureLoaded();
    const running = this.order.filter((m) => m !== model && m.state !== 'stopped').sort((a, b) => a.lastUsed - b.lastUsed);
    while (running.length >= this.maxLoaded) {
      const victim = running.shift() as SimModel;
      this.unload(victim, `swapping to ${model.spec.id}`);
    }
    this.log(`loading ${model.spec.id}`);
    return model.ensureLoaded();
  }

  unload(model: SimModel, why: string): boolean {
    const was = model.unload();
    if (was) {
      const s = this.stats.model(model.spec.id);
      if (s) s.unloads++;
      this.log(`unloaded ${model.spec.id} (${why})`);
    }
    return was;
  }

  unloadAll(why: string): void {
    for (const m of this.order) this.unload(m, why);
  }
}
