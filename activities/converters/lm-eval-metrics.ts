// lm-eval's per-task metric keys ("metric,filter", e.g. "exact_match,strict-match", with the standard
// error as "metric_stderr,filter") → the envelope's metric names, units and stderr.
//
// Decision on stderr: it is a tag (`stderr`) on the metric's own result, not a result of its own. A
// standard error is a property of one measurement, not a measurement: as a tag it stays on the row it
// qualifies, leaderboards over `metric` never mix scores with their errors, and "one result per task ×
// metric" holds. lm-eval writes "N/A" when it could not compute one (a single-document run, or
// bootstrapping switched off); then the tag is absent, because "N/A" is not a number a reader can use.
import { readNumber, type JsonRecord } from './values.js';
import { isRecord } from '../../workflows/shared/records.js';

/** Keys in a task's results entry that are metadata, not metrics. */
const METADATA_KEYS = new Set(['alias', 'name', 'sample_len', 'sample_count', 'samples', ' ']);

const NAMED: Record<string, string> = {
  'exact_match,flexible-extract': 'exact_match_flexible',
  'exact_match,strict-match': 'exact_match_strict',
  'acc,none': 'accuracy',
  'acc_norm,none': 'accuracy_normalized',
};

/** The seed's naming, kept so dashboards built on it keep working. */
export function metricName(key: string): string {
  const named = NAMED[key];
  if (named) return named;
  const [metric = key] = key.split(',');
  const passAt = /^pass@(\d+)$/.exec(metric);
  if (passAt) return `pass_at_${passAt[1] as string}`;
  return key.replace(/,/g, '_');
}

export function metricUnit(key: string): string {
  const [metric = key] = key.split(',');
  if (/perplexity/.test(metric)) return 'perplexity';
  if (metric === 'bits_per_byte') return 'bits/byte';
  if (/^(acc|exact_match|pass@|mc1|mc2|em$|f1$|contains|mcc$|brier)/.test(metric)) return 'ratio';
  return 'score';
}

export interface TaskMetric {
  key: string;
  name: string;
  unit: string;
  value: number;
  stderrKey?: string;
  stderr?: number;
  /** The entries read for this metric, as lm-eval wrote them (the result's `raw`). */
  raw: JsonRecord;
}

export interface TaskMetrics {
  metrics: TaskMetric[];
  /** One sentence per metric that could not be kept (Python NaN/Infinity). */
  dropped: string[];
}

/** The metrics of one task's entry in `results` (or `groups`). */
export function taskMetrics(entry: unknown, file: string, section: string, task: string): TaskMetrics {
  const out: TaskMetrics = { metrics: [], dropped: [] };
  if (!isRecord(entry)) return out;
  const used = new Set<string>();
  for (const [key, value] of Object.entries(entry)) {
    if (METADATA_KEYS.has(key) || !key.includes(',')) continue;
    const [metric = key, ...filterParts] = key.split(',');
    if (metric.endsWith('_stderr')) continue; // read with its metric below
    const path = `${section}[${JSON.stringify(task)}][${JSON.stringify(key)}]`;
    if (value === null || value === 'N/A') {
      // lm-eval's way of saying "not computed" (seen on stderr; tolerated on a value too)
      out.dropped.push(`${file}: $.${path} is ${value === null ? 'null' : '"N/A"'}; metric ${key} of ${task} left out`);
      continue;
    }
    const read = readNumber(value, file, `$.${path}`);
    if (!read.ok) {
      out.dropped.push(`${file}: $.${path} is ${read.nonFinite}; metric ${key} of ${task} left out`);
      continue;
    }
    let name = metricName(key);
    if (used.has(name)) name = key.replace(/,/g, '_'); // two filters mapped to one name (pass@1 variants)
    used.add(name);
    const result: TaskMetric = { key, name, unit: metricUnit(key), value: read.value, raw: { [key]: value } };
    const stderrKey = [`${metric}_stderr`, ...filterParts].join(',');
    if (stderrKey in entry) {
      const stderr = entry[stderrKey];
      result.raw[stderrKey] = stderr;
      result.stderrKey = stderrKey;
      if (stderr !== 'N/A' && stderr !== null) {
        const stderrRead = readNumber(stderr, file, `$.${section}[${JSON.stringify(task)}][${JSON.stringify(stderrKey)}]`);
        if (stderrRead.ok) result.stderr = stderrRead.value;
      }
    }
    out.metrics.push(result);
  }
  return out;
}
