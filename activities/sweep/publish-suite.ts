// convert → validate → publish for one finished (model, suite) pair, on the orchestration queue. The suite
// already returned envelope results (tool output was converted on the host worker); here the run's facts
// are added and the envelope is built, validated and written as one shard. Everything in it comes from
// workflow history, never "now", so a retried publish builds the byte-identical envelope, the shard name
// (hash of the canonical envelope) is the same, and the second publish writes nothing.
import type { Envelope, EnvelopeResult } from '../../workflows/shared/envelope.js';
import { heartbeatWhile } from './keep-alive.js';
import { buildEnvelope } from '../envelope/build.js';
import { SchemaError } from '../errors.js';
import { publishEnvelope } from '../publish/publish.js';
import type { LoadModelResult, PublishSuiteInput, PublishSuiteResult } from './types.js';

export function envelopeFor(input: PublishSuiteInput): Envelope {
  const { run, load } = input;
  return buildEnvelope(
    {
      suite: run.suite as Envelope['suite'],
      model: run.model,
      timestamp: run.startedAt,
      gitSha: input.gitSha,
      trigger: input.trigger,
      prNumber: input.prNumber,
      system: { ...input.system, ...run.system },
      ...(input.quantization ? { quantization: input.quantization } : {}),
      tags: { ...input.serverTags, ...input.tags, workflow_id: input.workflowId, workflow_run_id: input.workflowRunId },
      memory: input.memory,
    },
    load ? { ...run, results: [...run.results, loadResult(load)], errors: [...load.warnings, ...run.errors] } : run,
  );
}

/** The model's load as a result: seconds to ready, cold (loaded for this sweep) or warm (already ready). */
function loadResult(load: LoadModelResult): EnvelopeResult {
  return {
    name: 'model_load',
    metric: 'load_time',
    value: load.loadSeconds,
    unit: 'seconds',
    duration_seconds: load.loadSeconds,
    tags: { load: load.alreadyLoaded ? 'warm' : 'cold', better: 'lower' },
  };
}

export async function publishSuiteActivity(input: PublishSuiteInput, defaultDataset: string | undefined): Promise<PublishSuiteResult> {
  const dataset = input.dataset ?? defaultDataset;
  try {
    const outcome = await heartbeatWhile({ publishing: `${input.run.suite} · ${input.run.model}` }, () => publishEnvelope(envelopeFor(input), dataset ? { datasetDir: dataset } : {}));
    return { shard: outcome.location, written: outcome.status === 'written', envelopeHash: outcome.hash };
  } catch (error) {
    // A suite that produced an invalid envelope will do so on every retry: the pair fails with the reasons
    // (SchemaError is not retried).
    if (error instanceof SchemaError) throw new SchemaError(`envelope for ${input.run.suite} · ${input.run.model}: ${error.message}`, error.issues);
    throw error;
  }
}
