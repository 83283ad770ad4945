// Friendly names for the generated envelope types. The generated file is the single source; these are
// views into it, so a schema change reaches every user of these names.
import type { NightshiftResultEnvelope } from './envelope-types.generated.js';

export { SUITES, TRIGGERS } from './envelope-types.generated.js';
export type Envelope = NightshiftResultEnvelope;
export type SystemInfo = Envelope['system'];
export type EnvelopeResult = Envelope['results'][number];
export type MemorySnapshot = NonNullable<Envelope['memory_snapshots']>[number];
export type GenKwargs = NonNullable<Envelope['gen_kwargs']>;
export type Suite = Envelope['suite'];
export type Trigger = Envelope['trigger'];
