// convert → validate → publish for one finished (model, suite) pair, on the orchestration queue.
// convert: the suite's outcome plus the run's facts become one envelope (native suites already return
// envelope results; tool suites convert their tool's files inside the runner). Everything in it comes from
// workflow history, never "now", so a retried publish builds the byte-identical envelope, the shard name
// (hash of the canonical envelope) is the same, and the second publish writes nothing.
import { ApplicationFailure } from '@temporalio/activity';
import type { Envelope } from '../envelope/types.js';
import { validateEnvelope, formatIssues } from '../envelope/validate.js';
import { publishEnvelope } from '../publish/publish.js';
import type { PublishSuiteInput, PublishSuiteResult } from './types.js';

export function envelopeFor(input: PublishSuiteInput): Envelope {
  const { run } = input;
  const runTags = { ...input.tags, workflow_id: input.workflowId, workflow_run_id: input.workflowRunId };
  const envelope: Envelope = {
    schema_version: '1',
    timestamp: run.startedAt,
    git_sha: input.gitSha,
    trigger: input.trigger,
    pr_number: input.prNumber,
    suite: run.suite as Envelope['suite'],
    model: run.model,
    system: input.system,
    results: run.results.map((r) => ({ ...r, tags: { ...runTags, ...(r.tags ?? {}) } })),
    errors: run.errors,
  };
  if (run.skipped) {
    envelope.skipped = true;
    envelope.errors = [...run.errors, `suite skipped: ${run.skipped.reason}`];
  }
  if (run.seed !== undefined) envelope.seed = run.seed;
  if (run.genKwargs) envelope.gen_kwargs = run.genKwargs;
  if (input.memory.length > 0) envelope.memory_snapshots = input.memory;
  return envelope;
}

export async function publishSuiteActivity(input: PublishSuiteInput, defaultDataset: string | undefined): Promise<PublishSuiteResult> {
  const envelope = envelopeFor(input);
  const checked = validateEnvelope(envelope);
  if (!checked.valid) {
    // A suite that produced an invalid envelope will do so on every retry: fail the pair with the reasons.
    throw ApplicationFailure.create({
      type: 'SchemaError',
      nonRetryable: true,
      message: `envelope for ${input.run.suite} · ${input.run.model} is invalid:\n${formatIssues(checked.issues).join("\n")}`,
    });
  }
  const dataset = input.dataset ?? defaultDataset;
  const outcome = await publishEnvelope(envelope, dataset ? { datasetDir: dataset } : {});
  return { shard: outcome.location, written: outcome.status === 'written', envelopeHash: outcome.hash };
}
