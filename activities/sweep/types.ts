// Inputs and results of the sweep activities. Types only: workflows import this file with `import type`
// (workflow code never imports activity code), activities implement it.
import type { SuiteOutcome } from '../suites/types.js';
import type { Quantization } from '../endpoint/quantization.js';
import type { MemorySnapshot, SystemInfo, Trigger } from '../../workflows/shared/envelope.js';

export interface ModelRef {
  endpoint: string;
  model: string;
}

export interface LoadModelResult {
  /** How long making the model ready took (0 when it already was). */
  loadSeconds: number;
  /** The model was ready before this load (a warm start: nothing was loaded). */
  alreadyLoaded: boolean;
  /** What the model server check found worth saying (kept in every envelope of this load). */
  warnings: string[];
}

export interface WarmUpInput extends ModelRef {
  warmUp: boolean;
  /** The quantization the sweep input gives for this model (wins over what the server or the name says). */
  quantization?: string;
}

/** Host facts gathered once per model on the host worker (they belong to that machine). */
export interface WarmUpResult {
  warmedUp: boolean;
  /** Memory after load and warm-up (phase "loaded"), or undefined when sampling is unavailable. */
  snapshot?: MemorySnapshot;
  system: SystemInfo;
  /** HEAD of the host worker's checkout, when it is a git checkout. */
  gitSha?: string;
  /** The model's quantization and where it was read (activities/endpoint/model-facts.ts). */
  quantization?: Quantization;
  /** What the server said about its settings, as envelope tags (server_slots, server_ctx_per_slot, …). */
  serverTags?: Record<string, string>;
}

export interface RunSuiteInput extends ModelRef {
  suite: string;
  /** The sweep's suiteConfig.<suite>: `tool` picks the tool, the rest overrides its config file. */
  config: Record<string, unknown>;
  /** How long the suite waits for a model server that stopped answering before it fails (the sweep's
   * outageToleranceSeconds); absent from sweeps that started before it existed. */
  outageToleranceSeconds?: number;
}

/** What the suite returned (results, errors, skipped, …) plus the run's bookkeeping. */
export interface RunSuiteResult extends SuiteOutcome {
  suite: string;
  model: string;
  /** When the suite activity was first scheduled (ISO 8601); the same on every retry, so the envelope
   * and its shard name are identical however many attempts it took. */
  startedAt: string;
  completed: number;
  total: number;
  attempt: number;
  /** Samples found in the journal at the start of the final attempt (work of earlier attempts). */
  resumedFrom: number;
  journalPath: string;
  peakMemory?: MemorySnapshot;
}

export interface PublishSuiteInput {
  run: RunSuiteResult;
  system: SystemInfo;
  gitSha: string;
  trigger: Trigger;
  prNumber: number | null;
  tags: Record<string, string>;
  memory: MemorySnapshot[];
  workflowId: string;
  workflowRunId: string;
  dataset?: string;
  /** The load of the model this suite ran on: published as a result of every envelope of that load. */
  load?: LoadModelResult;
  /** The envelope's `quantization`. */
  quantization?: string;
  /** Tags about the server (model-facts.ts) on every result; the sweep's own tags win a clash. */
  serverTags?: Record<string, string>;
}

export interface PublishSuiteResult {
  shard: string;
  /** False when an identical shard was already there (the publish is idempotent). */
  written: boolean;
  envelopeHash: string;
}

export interface ReleaseModelInput extends ModelRef {
  unload: boolean;
}

export interface ReleaseModelResult {
  snapshot?: MemorySnapshot;
  /** Whether the model was really unloaded: false when unload was off, or the server cannot unload. */
  unloaded: boolean;
  /** Why a requested unload did not happen. */
  note?: string;
}

export interface SweepEnvironment {
  /** Host task queue of the worker that answered (used when the input names none). */
  hostQueue: string;
  /** Whether the Nightshift search attributes exist on the server (the workflow upserts them only then). */
  searchAttributes: boolean;
}

/** Heartbeat details of a suite activity: counts and a checkpoint key, never results. */
export interface SuiteHeartbeat {
  completed: number;
  total: number;
  checkpoint?: string;
  detail?: string;
}
