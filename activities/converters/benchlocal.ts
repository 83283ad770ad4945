// benchlocal-cli result JSON → envelope: one result per pack (its score as a ratio, with pass/total and
// p50/p95/mean latency as tags) plus one for the run's total. Latency stays a tag because benchlocal
// measures it per scenario (whole request) for the pack, which none of the envelope's first-class fields
// (first-token latency, tokens per second) means. Per-scenario verdicts are not converted: they are
// the pack's evidence, not its measurement, and stay in benchlocal's own file.
import type { EnvelopeResult, GenKwargs } from '../../workflows/shared/envelope.js';
import { InputError } from '../errors.js';
import { defineConverter, type ConvertedRun } from './envelope-base.js';
import { commonGenKwargs, toGenKwargs } from './gen-kwargs.js';
import { readJsonFile } from './json-input.js';
import { looksLikeBenchlocal, wrongKindError } from './sniff.js';
import type { Converter } from './types.js';
import { describe, readNumber, type JsonRecord } from './values.js';
import { isRecord } from '../../workflows/shared/records.js';

export const benchlocalConverter: Converter = defineConverter({
  kind: 'benchlocal',
  describes: 'benchlocal-cli result JSON (packs[] with score, passed/total, latency; totals)',
  read: readBenchlocal,
});

async function readBenchlocal(path: string): Promise<ConvertedRun> {
  const parsed = await readJsonFile(path, { what: 'benchlocal result file' });
  if (!looksLikeBenchlocal(parsed)) {
    throw wrongKindError(path, 'benchlocal', 'a "packs" array and a "totals" object', parsed);
  }
  const doc = parsed as JsonRecord & { packs: unknown[]; totals: JsonRecord };
  const errors: string[] = [];
  const shared: Record<string, string> = {};
  for (const key of ['runner_version', 'mode', 'repeat', 'thinking_mode']) {
    const value = doc[key];
    if (typeof value === 'string' || typeof value === 'number') shared[`benchlocal_${key}`] = String(value);
  }
  if (Array.isArray(doc.warnings)) {
    for (const w of doc.warnings) if (typeof w === 'string') errors.push(`benchlocal warning: ${w}`);
  }

  const results: EnvelopeResult[] = [];
  const sampling: GenKwargs[] = [];
  doc.packs.forEach((pack, i) => {
    const at = `$.packs[${String(i)}]`;
    if (!isRecord(pack)) throw new InputError(`${path}: ${at} must be an object, got ${describe(pack)}`);
    const id = typeof pack.pack_id === 'string' ? pack.pack_id : undefined;
    if (!id) throw new InputError(`${path}: ${at}.pack_id must be a string, got ${describe(pack.pack_id)}`);
    if (pack.skipped === true || pack.score === null || pack.score === undefined) {
      errors.push(`benchlocal pack ${id} did not run (status ${describe(pack.status)}); no result`);
      return;
    }
    const score = readNumber(pack.score, path, `${at}.score`);
    if (!score.ok) {
      errors.push(`${path}: ${at}.score is ${score.nonFinite}; pack ${id} left out`);
      return;
    }
    const tags: Record<string, string> = { ...shared, pack_id: id };
    countTags(pack, path, at, tags);
    if (isRecord(pack.latency)) {
      for (const stat of ['p50', 'p95', 'mean']) {
        const value = pack.latency[stat];
        if (value === undefined || value === null) continue;
        const read = readNumber(value, path, `${at}.latency.${stat}`);
        // benchlocal reports seconds; milliseconds read better next to the other suites' latencies.
        if (read.ok) tags[`latency_${stat}_ms`] = String(Math.round(read.value * 1e6) / 1e3);
      }
    }
    for (const key of ['version', 'upstream_commit', 'status', 'thinking_enabled', 'scenario_count', 'catalog_scenario_count']) {
      const value = pack[key];
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') tags[`pack_${key}`] = String(value);
    }
    const { scenarios, ...summary } = pack;
    const packSampling: GenKwargs[] = [];
    if (Array.isArray(scenarios)) {
      scenarios.forEach((scenario, j) => {
        if (isRecord(scenario) && isRecord(scenario.sampling_params)) {
          packSampling.push(toGenKwargs(scenario.sampling_params, path, `${at}.scenarios[${String(j)}].sampling_params`));
        }
      });
    }
    // Packs bring their own sampling defaults (thinking packs sample at temperature 1): the pack's
    // settings go on its result as gen_* tags; the envelope's gen_kwargs keep what all packs share.
    for (const [key, value] of Object.entries(commonGenKwargs(packSampling))) tags[`gen_${key}`] = String(value);
    sampling.push(...packSampling);
    results.push({ name: id, metric: 'score', value: score.value, unit: 'ratio', tags: { ...tags, better: 'higher' }, raw: summary });
  });

  const totalScore = readNumber(doc.totals.score, path, '$.totals.score');
  if (totalScore.ok) {
    const tags: Record<string, string> = { ...shared };
    countTags(doc.totals, path, '$.totals', tags);
    if (typeof doc.equivalent_score_150 === 'number') tags.equivalent_score_150 = String(doc.equivalent_score_150);
    const total: EnvelopeResult = { name: 'total', metric: 'score', value: totalScore.value, unit: 'ratio', tags: { ...tags, better: 'higher' }, raw: doc.totals };
    const seconds = runSeconds(doc);
    if (seconds !== undefined) {
      total.duration_seconds = seconds;
      tags.duration_covers = 'whole benchlocal run (started_at to finished_at)';
    }
    results.push(total);
  } else {
    errors.push(`${path}: $.totals.score is ${totalScore.nonFinite}; total left out`);
  }

  return {
    facts: {
      model: typeof doc.model === 'string' && doc.model !== '' ? doc.model : undefined,
      modelField: '"model"',
      timestamp: isoDate(doc.started_at),
      timestampField: '"started_at"',
      genKwargs: commonGenKwargs(sampling),
    },
    results,
    errors,
  };
}

function countTags(source: JsonRecord, path: string, at: string, tags: Record<string, string>) {
  for (const key of ['passed', 'total']) {
    if (source[key] === undefined) continue;
    const read = readNumber(source[key], path, `${at}.${key}`);
    if (read.ok) tags[key] = String(read.value);
  }
}

function isoDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function runSeconds(doc: JsonRecord): number | undefined {
  const start = epochSeconds(doc.started_at);
  const end = epochSeconds(doc.finished_at);
  return start === undefined || end === undefined || end < start ? undefined : end - start;
}

/** ISO date-time to seconds, keeping the microseconds benchlocal writes (Date.parse stops at ms, which
 * would bend sub-second run times). */
function epochSeconds(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const fraction = /\.(\d+)/.exec(value);
  const whole = Date.parse(fraction ? value.replace(fraction[0], '') : value);
  if (Number.isNaN(whole)) return undefined;
  return whole / 1000 + (fraction ? Number(`0.${fraction[1] as string}`) : 0);
}
