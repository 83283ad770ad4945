// What every converter shares: the shape of what it reads from a tool's file (results plus the facts the
// file states about the run), and how that becomes an envelope for `nightshift publish` — the caller's
// model and date win over the file's (as --model/--timestamp promise), the caller's tags go on every
// result, and a missing model or date is a clear error. Sweeps take only the results (their run facts come
// from workflow history) — see activities/suites/run-declared.ts.
import type { Envelope, EnvelopeResult, GenKwargs } from '../../workflows/shared/envelope.js';
import { buildEnvelope } from '../envelope/build.js';
import { InputError } from '../errors.js';
import { withNonFiniteAsText } from './json-input.js';
import { withinRange } from './ranges.js';
import type { Converter, ConverterKind, ReadOptions, RunContext } from './types.js';

export interface FileFacts {
  /** Model id found in the file, and the field it came from (for the error when absent). */
  model?: string;
  modelField: string;
  /** Run start found in the file, ISO 8601. */
  timestamp?: string;
  timestampField: string;
  /** Set when the file has a date that cannot be read: an error unless the caller gives the date. */
  timestampProblem?: string;
  modelRevision?: string;
  seed?: number;
  genKwargs?: GenKwargs;
}

/** One tool file, read: what it measured and what it says about the run. */
export interface ConvertedRun {
  facts: FileFacts;
  results: EnvelopeResult[];
  errors: string[];
}

/** A converter from its kind, description and reader. Every converter's results pass the same range
 * check (ranges.ts), and `convert` (file → envelope) is the same for all. */
export function defineConverter(spec: { kind: ConverterKind; describes: string; read: (path: string, options: ReadOptions) => Promise<ConvertedRun> }): Converter {
  const read = async (path: string, options: ReadOptions): Promise<ConvertedRun> => {
    const run = await spec.read(path, options);
    const checked = withinRange(run.results, path);
    return { ...run, results: checked.results, errors: [...run.errors, ...checked.errors] };
  };
  return { kind: spec.kind, describes: spec.describes, read, convert: async (path, context) => envelopeOf(path, await read(path, { suite: context.suite }), context) };
}

/** Results with Python NaN/Infinity markers written as text in `raw` and tags (the marker must not leak). */
export function cleanResults(results: readonly EnvelopeResult[]): EnvelopeResult[] {
  return results.map((result) => {
    const out: EnvelopeResult = { ...result };
    if (result.tags) out.tags = withNonFiniteAsText(result.tags) as Record<string, string>;
    if (result.raw !== undefined) out.raw = withNonFiniteAsText(result.raw) as Record<string, unknown>;
    return out;
  });
}

function envelopeOf(file: string, run: ConvertedRun, context: RunContext): Envelope {
  const { facts } = run;
  const model = context.model ?? facts.model;
  if (!model) throw new InputError(`${file}: no model id: the file has no ${facts.modelField}; pass the model explicitly (--model)`);
  if (facts.timestampProblem && !context.timestamp) throw new InputError(facts.timestampProblem);
  const timestamp = context.timestamp ?? facts.timestamp;
  if (!timestamp) throw new InputError(`${file}: no run date: the file has no ${facts.timestampField}; pass it explicitly (--timestamp)`);
  const revision = context.modelRevision ?? facts.modelRevision;
  return buildEnvelope(
    {
      suite: context.suite,
      model,
      timestamp,
      gitSha: context.gitSha,
      trigger: context.trigger,
      ...(context.prNumber !== undefined ? { prNumber: context.prNumber } : {}),
      system: context.system,
      ...(revision ? { modelRevision: revision } : {}),
      ...(context.quantization ? { quantization: context.quantization } : {}),
      ...(context.tags ? { tags: context.tags } : {}),
    },
    {
      results: cleanResults(run.results),
      errors: run.errors,
      ...(facts.seed !== undefined ? { seed: facts.seed } : {}),
      ...(facts.genKwargs ? { genKwargs: facts.genKwargs } : {}),
    },
  );
}

/** Seconds since the epoch (lm-eval's `date`) to an ISO 8601 UTC timestamp. */
export function epochSecondsToIso(seconds: number): string | undefined {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
