// Memory of the model server for the envelope: one snapshot per phase, the peak while a suite runs, and
// the watcher that does both around a suite (`nightshift run` and the sweep's suite activity).
export { memorySnapshot, measureTargetRss, peakSnapshot } from './snapshot.js';
export { PeakRssSampler, type PeakRssReport, type PeakRssSamplerOptions } from './sampler.js';
export { resolveTarget, MemoryTargetNotFoundError, type MemoryTarget, type ResolvedTarget } from './target.js';
export { readSystemMemory, type SystemMemory } from './system-memory.js';
export { createMemoryProbe, autoMemoryTarget, isLocalHost, type MemoryProbe, type MemoryProbeOptions, type ModelEndpointRef } from './probe.js';
export { watchServerMemory, type MemoryReadings, type MemoryWatch, type WatchOptions } from './watch.js';
