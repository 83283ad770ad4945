// Run-level facts from an lm-eval results file: model identity, generation settings, seed, duration and
// date — each from the fields lm-eval really writes (see docs/converters.md for the field list).
import type { GenKwargs } from '../../workflows/shared/envelope.js';
import { InputError } from '../errors.js';
import { epochSecondsToIso } from './envelope-base.js';
import { commonGenKwargs, parseArgString, settingsRecord, toGenKwargs } from './gen-kwargs.js';
import { describe, readNumeric, type JsonRecord } from './values.js';
import { isRecord } from '../../workflows/shared/records.js';

export interface ModelIdentity {
  model?: string;
  revision?: string;
  /** lm-eval's model type ("hf", "local-chat-completions"), kept as a tag: it is the backend, not a
   * revision (the seed's model_revision bug). */
  backend?: string;
}

export function modelArgs(config: JsonRecord, file: string): JsonRecord {
  const args = config.model_args;
  if (args === undefined || args === null) return {};
  if (typeof args === 'string') return parseArgString(args);
  if (isRecord(args)) return args;
  throw new InputError(`${file}: $.config.model_args must be an object or a "key=value,..." string, got ${describe(args)}`);
}

/** Model id from model_args (`model` for API backends, `pretrained` for local ones), else `model_name`.
 * Revision only from a real one: `revision=` in model_args, else the commit lm-eval recorded as
 * `model_sha` for the weights it loaded — never `model_source`/`config.model`, which name the backend. */
export function modelIdentity(doc: JsonRecord, config: JsonRecord, args: JsonRecord): ModelIdentity {
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
  const identity: ModelIdentity = {};
  const model = text(args.model) ?? text(args.pretrained) ?? text(doc.model_name);
  if (model) identity.model = model;
  const sha = text(config.model_sha);
  const revision = text(args.revision) ?? (sha && /^[0-9a-f]{7,64}$/i.test(sha) ? sha : undefined);
  if (revision) identity.revision = revision;
  const backend = text(config.model) ?? text(doc.model_source);
  if (backend) identity.backend = backend;
  return identity;
}

/** Generation settings per task and for the run.
 *
 * Precedence, as lm-eval applies them: the CLI's --gen_kwargs (`config.gen_kwargs`, an object or a
 * "k=v,..." string) are merged over each generative task's own `configs[task].generation_kwargs`, the
 * CLI winning. The envelope holds what every generative task agrees on after that merge; a setting that
 * differs between tasks is left out of the envelope (one value per run) rather than picked arbitrarily. */
export function runGenKwargs(doc: JsonRecord, config: JsonRecord, tasks: readonly string[], file: string): GenKwargs {
  const cli = settingsRecord(config.gen_kwargs, file, '$.config.gen_kwargs');
  const configs = isRecord(doc.configs) ? doc.configs : {};
  const perTask: GenKwargs[] = [];
  for (const task of tasks) {
    const taskConfig = configs[task];
    if (!isRecord(taskConfig) || !isRecord(taskConfig.generation_kwargs)) continue;
    perTask.push(toGenKwargs({ ...taskConfig.generation_kwargs, ...cli }, file, `$.configs[${JSON.stringify(task)}].generation_kwargs`));
  }
  if (perTask.length === 0) return toGenKwargs(cli, file, '$.config.gen_kwargs');
  return commonGenKwargs(perTask);
}

export interface RunSeeds {
  seed?: number;
  /** Every seed lm-eval recorded, for a tag ("random=0,numpy=1234,torch=1234,fewshot=1234"). */
  recorded?: string;
}

const SEED_NAMES = ['random', 'numpy', 'torch', 'fewshot'] as const;

/** The seed that governed generation. lm-eval records four (`random_seed`, `numpy_seed`, `torch_seed`,
 * `fewshot_seed`) inside `config` (0.4.x) or, in some writers, at the top level; older runs and the seed
 * project's files carry `config.seed` as one number or the CLI's four-item list in that order. The
 * envelope's `seed` is the one that reaches sampling: `seed` in model_args (API backends send it with
 * every request), else the torch seed (local sampling), else the random seed. */
export function runSeeds(doc: JsonRecord, config: JsonRecord, args: JsonRecord): RunSeeds {
  const recorded: Partial<Record<(typeof SEED_NAMES)[number], number>> = {};
  for (const name of SEED_NAMES) {
    const value = config[`${name}_seed`] ?? doc[`${name}_seed`];
    if (typeof value === 'number' && Number.isInteger(value)) recorded[name] = value;
  }
  const listed = config.seed;
  if (Array.isArray(listed)) {
    SEED_NAMES.forEach((name, i) => {
      const value: unknown = listed[i];
      if (recorded[name] === undefined && typeof value === 'number' && Number.isInteger(value)) recorded[name] = value;
    });
  } else if (typeof listed === 'number' && Number.isInteger(listed)) {
    recorded.random ??= listed;
  }
  const out: RunSeeds = {};
  const fromArgs = typeof args.seed === 'number' && Number.isInteger(args.seed) ? args.seed : undefined;
  const seed = fromArgs ?? recorded.torch ?? recorded.random;
  if (seed !== undefined) out.seed = seed;
  const parts = SEED_NAMES.filter((n) => recorded[n] !== undefined).map((n) => `${n}=${String(recorded[n])}`);
  if (fromArgs !== undefined) parts.unshift(`model_args=${String(fromArgs)}`);
  if (parts.length) out.recorded = parts.join(',');
  return out;
}

export interface RunDuration {
  seconds?: number;
  /** Which field it came from, for the docs and a sentence in errors. */
  source?: string;
  problem?: string;
}

/** Wall-clock seconds of the whole run. lm-eval writes `total_evaluation_time_seconds` (a string) and,
 * since 0.4.3 or so, `start_time`/`end_time` (perf_counter readings: only their difference means
 * anything). There is no per-task duration in lm-eval's output. */
export function runDuration(doc: JsonRecord, file: string): RunDuration {
  if (doc.total_evaluation_time_seconds !== undefined && doc.total_evaluation_time_seconds !== null) {
    const read = readNumeric(doc.total_evaluation_time_seconds, file, '$.total_evaluation_time_seconds');
    if (read.ok) return { seconds: read.value, source: 'total_evaluation_time_seconds' };
    return { problem: `${file}: $.total_evaluation_time_seconds is ${read.nonFinite}; no duration recorded` };
  }
  if (typeof doc.start_time === 'number' && typeof doc.end_time === 'number' && doc.end_time >= doc.start_time) {
    return { seconds: doc.end_time - doc.start_time, source: 'end_time - start_time' };
  }
  return {};
}

/** Run start: `date` (Unix seconds, written by simple_evaluate); else the date in the file name
 * (results_2026-05-13T00-00-00.000000.json, the writer's local time, taken as UTC). */
export function runTimestamp(doc: JsonRecord, stamp: string | undefined): string | undefined {
  if (typeof doc.date === 'number' && Number.isFinite(doc.date)) return epochSecondsToIso(doc.date);
  if (typeof doc.date === 'string' && /^\d+(\.\d+)?$/.test(doc.date)) return epochSecondsToIso(Number(doc.date));
  if (stamp) {
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})(\.\d+)?$/.exec(stamp);
    if (m) {
      const iso = `${m[1] as string}T${m[2] as string}:${m[3] as string}:${m[4] as string}${(m[5] ?? '').slice(0, 4)}Z`;
      if (!Number.isNaN(Date.parse(iso))) return new Date(iso).toISOString();
    }
  }
  return undefined;
}
