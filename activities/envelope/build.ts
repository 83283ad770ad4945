// The one place an envelope is assembled: facts about the run (who, where, when, with which settings) plus
// what the suite or tool measured. Sweeps (publish step), `nightshift run` and `nightshift publish` (via the
// converters) all build envelopes here, so the same run gives the same envelope whichever way it came in.
import type { Envelope, EnvelopeResult, GenKwargs, MemorySnapshot, Suite, SystemInfo, Trigger } from '../../workflows/shared/envelope.js';

export interface RunFacts {
  suite: Suite;
  model: string;
  /** When the run started, ISO 8601. */
  timestamp: string;
  gitSha: string;
  trigger: Trigger;
  prNumber?: number | null;
  system: SystemInfo;
  modelRevision?: string;
  quantization?: string;
  /** Tags every result gets; on a name clash they win over a result's own (they are the caller's words). */
  tags?: Record<string, string>;
  memory?: readonly MemorySnapshot[];
}

export interface RunOutcome {
  results: readonly EnvelopeResult[];
  errors: readonly string[];
  genKwargs?: GenKwargs;
  seed?: number;
  /** The suite could not run (e.g. its tool is missing): why, and how to fix it. */
  skipped?: { reason: string };
}

export function buildEnvelope(facts: RunFacts, outcome: RunOutcome): Envelope {
  const envelope: Envelope = {
    schema_version: '1',
    timestamp: facts.timestamp,
    git_sha: facts.gitSha,
    trigger: facts.trigger,
    suite: facts.suite,
    model: facts.model,
    system: facts.system,
    results: outcome.results.map((r) => (facts.tags && Object.keys(facts.tags).length > 0 ? { ...r, tags: { ...r.tags, ...facts.tags } } : { ...r })),
    errors: [...outcome.errors],
  };
  if (facts.prNumber !== undefined) envelope.pr_number = facts.prNumber;
  if (facts.modelRevision) envelope.model_revision = facts.modelRevision;
  if (facts.quantization) envelope.quantization = facts.quantization;
  if (outcome.skipped) {
    envelope.skipped = true;
    envelope.errors = [...outcome.errors, `suite skipped: ${outcome.skipped.reason}`];
  }
  if (outcome.seed !== undefined) envelope.seed = outcome.seed;
  if (outcome.genKwargs && Object.keys(outcome.genKwargs).length > 0) envelope.gen_kwargs = outcome.genKwargs;
  if (facts.memory && facts.memory.length > 0) envelope.memory_snapshots = [...facts.memory];
  return envelope;
}
