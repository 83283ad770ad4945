// The parts of an envelope every converter fills the same way: context facts, overrides (the context's
// model and timestamp win over what the file says, as the CLI's --model/--timestamp promise), the
// context's extra tags on every result, and a clear error when neither file nor context names the model
// or the date.
import { InputError } from '../errors.js';
import type { Envelope, EnvelopeResult, GenKwargs } from '../envelope/types.js';
import { withNonFiniteAsText } from './json-input.js';
import type { RunContext } from './types.js';

export interface FileFacts {
  /** Model id found in the file, and the field it came from (for the error when absent). */
  model?: string;
  modelField: string;
  /** Run start found in the file, ISO 8601. */
  timestamp?: string;
  timestampField: string;
  modelRevision?: string;
  seed?: number;
  genKwargs?: GenKwargs;
}

export function assembleEnvelope(
  file: string,
  context: RunContext,
  facts: FileFacts,
  results: EnvelopeResult[],
  errors: string[],
): Envelope {
  const model = context.model ?? facts.model;
  if (!model) {
    throw new InputError(
      `${file}: no model id: the file has no ${facts.modelField}; pass the model explicitly (--model)`,
    );
  }
  const timestamp = context.timestamp ?? facts.timestamp;
  if (!timestamp) {
    throw new InputError(
      `${file}: no run date: the file has no ${facts.timestampField}; pass it explicitly (--timestamp)`,
    );
  }
  const envelope: Envelope = {
    schema_version: '1',
    timestamp,
    git_sha: context.gitSha,
    trigger: context.trigger,
    suite: context.suite,
    model,
    system: context.system,
    results: results.map((r) => withContextTags(r, context)),
    errors,
  };
  if (context.prNumber !== undefined) envelope.pr_number = context.prNumber;
  const revision = context.modelRevision ?? facts.modelRevision;
  if (revision) envelope.model_revision = revision;
  if (context.quantization) envelope.quantization = context.quantization;
  if (facts.seed !== undefined) envelope.seed = facts.seed;
  if (facts.genKwargs && Object.keys(facts.genKwargs).length > 0) envelope.gen_kwargs = facts.genKwargs;
  return envelope;
}

/** Seconds since the epoch (lm-eval's `date`) to an ISO 8601 UTC timestamp. */
export function epochSecondsToIso(seconds: number): string | undefined {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** The context's tags over the converter's; raw output and tags with Python NaN/Infinity written as text. */
function withContextTags(result: EnvelopeResult, context: RunContext): EnvelopeResult {
  const out: EnvelopeResult = { ...result };
  if (result.tags || context.tags) out.tags = withNonFiniteAsText({ ...result.tags, ...context.tags }) as Record<string, string>;
  if (result.raw !== undefined) out.raw = withNonFiniteAsText(result.raw) as Record<string, unknown>;
  return out;
}
