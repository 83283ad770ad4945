// `vllm bench serve` / benchmarks/benchmark_serving.py --save-result JSON → envelope.
//
// Read: request/output/total/peak throughput, goodput (`request_goodput`, spelled `request_goodput:` by
// older versions; null when no --goodput SLO was set), completed/failed counts, and for TTFT, TPOT, ITL
// and E2EL every statistic present (mean, median, std, and the pNN keys --metric-percentiles asked for).
// Not read: the per-request arrays of --save-detailed (input_lens, ttfts, itls, generated_texts, errors):
// they describe requests, not the run, and can be megabytes.
import type { EnvelopeResult } from '../../workflows/shared/envelope.js';
import { defineConverter, type ConvertedRun } from './envelope-base.js';
import { readJsonFile } from './json-input.js';
import { looksLikeVllmBench, wrongKindError } from './sniff.js';
import type { Converter } from './types.js';
import { describe, fieldPath, readNumber, type JsonRecord } from './values.js';

export const vllmBenchConverter: Converter = defineConverter({
  kind: 'vllm-bench',
  describes: 'vllm bench serve / benchmark_serving.py --save-result JSON',
  read: readVllmBench,
});

const LATENCIES: Record<string, string> = {
  ttft: 'time_to_first_token',
  tpot: 'time_per_output_token',
  itl: 'inter_token_latency',
  e2el: 'end_to_end_latency',
};

interface Scalar {
  keys: string[];
  name: string;
  metric: string;
  unit: string;
  /** The first-class envelope field that means the same as this value. */
  field?: 'decode_tokens_per_second' | 'total_tokens_per_second';
  better: 'higher' | 'lower';
}

const SCALARS: Scalar[] = [
  { keys: ['request_throughput'], name: 'request_throughput', metric: 'throughput', unit: 'req/s', better: 'higher' },
  { keys: ['request_goodput', 'request_goodput:'], name: 'request_goodput', metric: 'throughput', unit: 'req/s', better: 'higher' },
  // The aggregate of every request (it rises with concurrency), not one request's decode speed, which is
  // what decode_tokens_per_second means: no first-class field (as the native suite's output_tok_per_sec).
  { keys: ['output_throughput'], name: 'output_token_throughput', metric: 'throughput', unit: 'tok/s', better: 'higher' },
  { keys: ['total_token_throughput'], name: 'total_token_throughput', metric: 'throughput', unit: 'tok/s', field: 'total_tokens_per_second', better: 'higher' },
  { keys: ['max_output_tokens_per_s'], name: 'peak_output_token_throughput', metric: 'throughput', unit: 'tok/s', better: 'higher' },
  { keys: ['max_concurrent_requests'], name: 'peak_concurrent_requests', metric: 'count', unit: 'requests', better: 'higher' },
  { keys: ['completed'], name: 'completed_requests', metric: 'count', unit: 'requests', better: 'higher' },
  { keys: ['failed'], name: 'failed_requests', metric: 'count', unit: 'requests', better: 'lower' },
];

/** Context written into every result's tags when the file has it. */
const TAG_KEYS = ['backend', 'endpoint_type', 'label', 'tokenizer_id', 'num_prompts', 'request_rate', 'burstiness', 'max_concurrency', 'total_input_tokens', 'total_output_tokens'];

const LATENCY_KEY = /^(mean|median|std|p\d+(?:\.\d+)?)_(ttft|tpot|itl|e2el)_ms$/;

async function readVllmBench(path: string): Promise<ConvertedRun> {
  const parsed = await readJsonFile(path, { what: 'vllm bench result file' });
  if (!looksLikeVllmBench(parsed)) {
    throw wrongKindError(path, 'vllm-bench', '"completed" and throughput/latency fields such as "request_throughput"', parsed);
  }
  const doc = parsed as JsonRecord;
  const errors: string[] = [];
  const tags: Record<string, string> = {};
  for (const key of TAG_KEYS) {
    const value = doc[key];
    if (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) tags[key] = String(value);
  }
  if (typeof doc.date === 'string') tags.source_date = doc.date;

  let duration: number | undefined;
  if (doc.duration !== undefined && doc.duration !== null) {
    const read = readNumber(doc.duration, path, '$.duration');
    if (read.ok) duration = read.value;
    else errors.push(`${path}: $.duration is ${read.nonFinite}; results carry no duration`);
  }
  if (duration !== undefined) tags.duration_covers = 'whole benchmark run (all requests)';

  const results: EnvelopeResult[] = [];
  const add = (key: string, base: Omit<EnvelopeResult, 'value' | 'tags'>, extraTags: Record<string, string> = {}) => {
    const value = doc[key];
    if (value === undefined || value === null) return; // not measured in this run (e.g. goodput without SLOs)
    const read = readNumber(value, path, fieldPath(key));
    if (!read.ok) {
      errors.push(`${path}: ${fieldPath(key)} is ${read.nonFinite}; ${base.name} ${base.metric} left out`);
      return;
    }
    const result: EnvelopeResult = { ...base, value: read.value, tags: { ...tags, vllm_key: key, ...extraTags }, raw: { [key]: value } };
    if (duration !== undefined) result.duration_seconds = duration;
    results.push(result);
    return result;
  };

  for (const scalar of SCALARS) {
    const key = scalar.keys.find((k) => doc[k] !== undefined && doc[k] !== null);
    if (!key) continue;
    const result = add(key, { name: scalar.name, metric: scalar.metric, unit: scalar.unit }, { better: scalar.better });
    if (result && scalar.field) result[scalar.field] = result.value;
  }
  for (const key of Object.keys(doc)) {
    const match = LATENCY_KEY.exec(key);
    if (!match) continue;
    const [, stat = '', family = ''] = match;
    const name = LATENCIES[family] as string;
    // name = what was measured and which statistic; metric = the kind, so a query over metric "latency"
    // finds every latency and never a spread.
    const metric = stat === 'std' ? 'latency_std' : 'latency';
    const result = add(key, { name: `${name}_${stat}`, metric, unit: 'ms' }, { statistic: stat, better: 'lower' });
    // TTFT mean/median/percentiles are first-token latencies; a standard deviation is not one.
    if (result && family === 'ttft' && stat !== 'std') result.first_token_latency_ms = result.value;
  }

  // No request completed: vllm still writes throughputs and latency statistics (zeros, or over nothing).
  // They measure nothing; only the request counts are facts.
  const measured = doc.completed === 0 ? results.filter((r) => r.metric === 'count') : results;
  if (measured.length < results.length) {
    errors.push(`${path}: $.completed is 0 (no request completed); ${results.length - measured.length} throughput and latency figures left out`);
  }

  const timestamp = vllmDate(doc.date);
  const unreadableDate = doc.date !== undefined && doc.date !== null && !timestamp;
  return {
    facts: {
      model: typeof doc.model_id === 'string' && doc.model_id !== '' ? doc.model_id : undefined,
      modelField: '"model_id"',
      timestamp,
      timestampField: '"date" (vllm writes it as YYYYMMDD-HHMMSS)',
      ...(unreadableDate ? { timestampProblem: `${path}: $.date must be a date like "20250101-120000", got ${describe(doc.date)}` } : {}),
    },
    results: measured,
    errors,
  };
}

/** vllm's `date` is datetime.now().strftime("%Y%m%d-%H%M%S"): the benchmark host's local time with no
 * zone. It is recorded as UTC (the host's offset is not in the file); the original text stays in the
 * `source_date` tag, and --timestamp overrides it when the offset matters. */
export function vllmDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})$/.exec(value.trim());
  if (!m) return undefined;
  const iso = `${m[1] as string}-${m[2] as string}-${m[3] as string}T${m[4] as string}:${m[5] as string}:${m[6] as string}Z`;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 19) !== iso.slice(0, 19) ? undefined : date.toISOString();
}
