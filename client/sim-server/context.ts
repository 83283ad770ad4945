// What every route module needs from the running simulator, in one place.
import type { SimConfig } from './config.js';
import type { ModelPool } from './model-pool.js';
import type { SimModel } from './model.js';
import type { StatsRecorder } from './stats.js';
import type { Timeline } from './timeline.js';

export interface SimContext {
  config: SimConfig;
  seed: number;
  pool: ModelPool;
  stats: StatsRecorder;
  timeline: Timeline;
  /** Plain OpenAI server (no llama-swap routes, one model, loads at start like llama-server). */
  plain: boolean;
  log(message: string): void;
  /** Simulated process crash (exits when running as its own process). */
  crash(reason: string): void;
  /** Per-server response counter for ids ("chatcmpl-sim-<n>"). */
  nextResponseId(): number;
  /** Called whenever an inference request to `model` has ended, however it ended. */
  requestEnded(model: SimModel): void;
}
