// Memory sampling for the envelope: one snapshot per phase, and a peak tracker for the duration of a suite.
export { memorySnapshot, measureTargetRss } from './snapshot.js';
export { PeakRssSampler, type PeakRssReport, type PeakRssSamplerOptions } from './sampler.js';
export { resolveTarget, MemoryTargetNotFoundError, type MemoryTarget, type ResolvedTarget } from './target.js';
export { readSystemMemory, type SystemMemory } from './system-memory.js';
export { createMemoryProbe, autoMemoryTarget, type MemoryProbeOptions, type ModelEndpointRef } from './probe.js';
