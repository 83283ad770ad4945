// Memory readings for the envelope's memory_snapshots, taken on the host worker at fixed phases.
import type { MemorySnapshot } from '../envelope/types.js';
import type { ModelRef } from './types.js';

/** Reads memory for a phase ("loaded", "after"); undefined when this host cannot sample. */
export type MemoryProbe = (phase: string, ref: ModelRef) => Promise<MemorySnapshot | undefined>;
