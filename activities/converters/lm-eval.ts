// lm-evaluation-harness 0.4.x results → envelope. One result per task × metric (groups included, tagged
// as such), stderr as a tag, the run's duration and — when --log_samples files sit beside the results —
// prompt/decode/total tokens per second over that duration. Docs: docs/converters.md.
import { readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { EnvelopeResult } from '../../workflows/shared/envelope.js';
import { InputError } from '../errors.js';
import { defineConverter, type ConvertedRun } from './envelope-base.js';
import { readJsonFile } from './json-input.js';
import { locateResultsFile } from './lm-eval-locate.js';
import { taskMetrics, type TaskMetric } from './lm-eval-metrics.js';
import { modelArgs, modelIdentity, runDuration, runGenKwargs, runSeeds, runTimestamp } from './lm-eval-run.js';
import { countSampleTokens, findSamplesFile, runStamp, type SampleTokens } from './lm-eval-samples.js';
import { looksLikeLmEval, wrongKindError } from './sniff.js';
import { TOKEN_COUNT_METHOD } from './token-count.js';
import type { Converter } from './types.js';
import { type JsonRecord } from './values.js';
import { isRecord } from '../../workflows/shared/records.js';

interface TaskEntry {
  task: string;
  isGroup: boolean;
  parent?: string;
  metrics: TaskMetric[];
}

export const lmEvalConverter: Converter = defineConverter({
  kind: 'lm-eval',
  describes: 'lm-evaluation-harness 0.4.x results_*.json (or the directory lm-eval wrote), with samples_*.jsonl when logged',
  read: readLmEval,
});

async function readLmEval(path: string): Promise<ConvertedRun> {
  const file = await locateResultsFile(path);
  const parsed = await readJsonFile(file, { what: 'lm-eval results file' });
  if (!looksLikeLmEval(parsed)) {
    throw wrongKindError(file, 'lm-eval', 'a "results" object of per-task metrics beside "config"/"configs"', parsed);
  }
  const doc = parsed as JsonRecord & { results: JsonRecord };
  const config = isRecord(doc.config) ? doc.config : {};
  const args = modelArgs(config, file);
  const errors: string[] = [];

  const tasks = readTasks(doc, file, errors);
  if (tasks.every((t) => t.metrics.length === 0)) {
    const names = Object.keys(doc.results);
    throw new InputError(
      names.length === 0
        ? `${file}: $.results is empty: the run produced no task results`
        : errors.length > 0
          ? `${file}: no usable metric: ${errors.join('; ')}`
          : `${file}: $.results holds no metric for any task (${names.join(', ')}); expected "metric,filter" keys such as "acc,none"`,
    );
  }
  const leafTasks = tasks.filter((t) => !t.isGroup && t.metrics.length > 0).map((t) => t.task);

  const identity = modelIdentity(doc, config, args);
  const seeds = runSeeds(doc, config, args);
  const duration = runDuration(doc, file);
  if (duration.problem) errors.push(duration.problem);
  const tokens = await sampleTokens(file, leafTasks, doc, duration.seconds, errors);

  const shared: Record<string, string> = {};
  // lm-eval writes a number (samples, or a fraction); anything else is kept readable rather than "[object Object]".
  const limit = config.limit;
  if (typeof limit === 'number' || typeof limit === 'string') shared.n_limit = String(limit);
  else if (limit !== undefined && limit !== null) shared.n_limit = JSON.stringify(limit);
  if (duration.seconds !== undefined) {
    shared.duration_covers = `whole lm-eval run (${String(leafTasks.length)} task${leafTasks.length === 1 ? '' : 's'}); lm-eval records no per-task time`;
  }
  if (seeds.recorded) shared.seeds = seeds.recorded;
  if (identity.backend) shared.lm_eval_model = identity.backend;
  if (typeof doc.lm_eval_version === 'string') shared.lm_eval_version = doc.lm_eval_version;
  if (tokens.rates) {
    shared.token_count_method = TOKEN_COUNT_METHOD;
    shared.tokens_per_second_covers = 'all tokens of the run divided by its duration';
  }

  const nShot = isRecord(doc['n-shot']) ? doc['n-shot'] : {};
  const higherIsBetter = isRecord(doc.higher_is_better) ? doc.higher_is_better : {};
  const nSamples = isRecord(doc['n-samples']) ? doc['n-samples'] : {};
  const results: EnvelopeResult[] = [];
  for (const entry of tasks) {
    const taskTags: Record<string, string> = { ...shared };
    if (entry.isGroup) taskTags.task_role = 'group';
    if (entry.parent) taskTags.task_group = entry.parent;
    if (typeof nShot[entry.task] === 'number') taskTags.num_fewshot = String(nShot[entry.task]);
    const counts = nSamples[entry.task];
    if (isRecord(counts) && typeof counts.effective === 'number') taskTags.n_samples = String(counts.effective);
    const counted = tokens.perTask.get(entry.task);
    if (counted) {
      taskTags.prompt_tokens = String(counted.promptTokens);
      taskTags.response_tokens = String(counted.responseTokens);
      taskTags.samples_docs = String(counted.docs);
    }
    for (const metric of entry.metrics) {
      const result: EnvelopeResult = {
        name: entry.task,
        metric: metric.name,
        value: metric.value,
        unit: metric.unit,
        tags: { ...taskTags, lm_eval_key: metric.key, ...betterTag(higherIsBetter, entry.task, metric.key) },
        raw: metric.raw,
      };
      if (metric.stderr !== undefined) (result.tags as Record<string, string>).stderr = String(metric.stderr);
      if (duration.seconds !== undefined) result.duration_seconds = duration.seconds;
      if (tokens.rates) Object.assign(result, tokens.rates);
      results.push(result);
    }
  }

  return {
    facts: {
      model: identity.model,
      modelField: '$.config.model_args model/pretrained or $.model_name',
      timestamp: runTimestamp(doc, runStamp(file)),
      timestampField: '$.date (and no run date in the file name)',
      modelRevision: identity.revision,
      seed: seeds.seed,
      genKwargs: runGenKwargs(doc, config, leafTasks, file),
    },
    results,
    errors,
  };
}

/** The direction lm-eval records for a metric (`higher_is_better[task][metric]`), as the result's `better` tag. */
function betterTag(table: JsonRecord, task: string, key: string): { better?: string } {
  const perTask = table[task];
  const [metric = key] = key.split(',');
  const higher = isRecord(perTask) ? perTask[metric] : undefined;
  return typeof higher === 'boolean' ? { better: higher ? 'higher' : 'lower' } : {};
}

/** Tasks in `results` (and groups found only in `groups`), each with its metrics, group role and parent. */
function readTasks(doc: JsonRecord & { results: JsonRecord }, file: string, errors: string[]): TaskEntry[] {
  const groupSubtasks = isRecord(doc.group_subtasks) ? doc.group_subtasks : {};
  const groupsSection = isRecord(doc.groups) ? doc.groups : {};
  const groups = new Set(Object.keys(groupsSection));
  const parent = new Map<string, string>();
  for (const [group, subtasks] of Object.entries(groupSubtasks)) {
    if (!Array.isArray(subtasks) || subtasks.length === 0) continue;
    groups.add(group);
    for (const sub of subtasks) if (typeof sub === 'string' && !parent.has(sub)) parent.set(sub, group);
  }
  const entries: Array<[string, unknown, string]> = Object.entries(doc.results).map(([t, v]) => [t, v, 'results']);
  for (const [task, value] of Object.entries(groupsSection)) {
    if (!(task in doc.results)) entries.push([task, value, 'groups']);
  }
  return entries.map(([task, value, section]) => {
    const read = taskMetrics(value, file, section, task);
    errors.push(...read.dropped);
    const entry: TaskEntry = { task, isGroup: groups.has(task), metrics: read.metrics };
    const group = parent.get(task);
    if (group) entry.parent = group;
    return entry;
  });
}

interface TokenTotals {
  perTask: Map<string, SampleTokens>;
  rates?: Pick<EnvelopeResult, 'prompt_tokens_per_second' | 'decode_tokens_per_second' | 'total_tokens_per_second'>;
}

/** Counts tokens in each leaf task's samples file. Rates need every task's samples, because the only
 * duration lm-eval records covers the whole run: tokens of some tasks over the time of all would
 * understate the speed. */
async function sampleTokens(
  file: string,
  leafTasks: readonly string[],
  doc: JsonRecord,
  seconds: number | undefined,
  errors: string[],
): Promise<TokenTotals> {
  const totals: TokenTotals = { perTask: new Map() };
  const siblings = await readdir(dirname(file));
  if (!siblings.some((n) => n.startsWith('samples_'))) return totals; // run without --log_samples
  const missing: string[] = [];
  const nSamples = isRecord(doc['n-samples']) ? doc['n-samples'] : {};
  for (const task of leafTasks) {
    const found = await findSamplesFile(file, task, siblings);
    if ('missing' in found) {
      missing.push(found.missing);
      continue;
    }
    const counted = await countSampleTokens(found.file);
    totals.perTask.set(task, counted);
    const expected = nSamples[task];
    if (isRecord(expected) && typeof expected.effective === 'number' && expected.effective !== counted.docs) {
      errors.push(
        `${found.file}: holds ${String(counted.docs)} docs but $.n-samples.${task}.effective says ${String(expected.effective)}`,
      );
    }
  }
  if (missing.length > 0) {
    if (totals.perTask.size > 0) {
      errors.push(`tokens per second not computed: ${missing.join('; ')} (the run duration covers every task)`);
    }
    return totals;
  }
  if (seconds === undefined || seconds <= 0) {
    errors.push(`${file}: samples were logged but the run has no duration; tokens per second not computed`);
    return totals;
  }
  let prompt = 0;
  let response = 0;
  for (const t of totals.perTask.values()) {
    prompt += t.promptTokens;
    response += t.responseTokens;
  }
  totals.rates = {
    prompt_tokens_per_second: prompt / seconds,
    total_tokens_per_second: (prompt + response) / seconds,
  };
  if (response > 0) totals.rates.decode_tokens_per_second = response / seconds;
  return totals;
}
