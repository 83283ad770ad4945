// The viewer's questions, each one parameterized SQL over the read model. Filter values travel as
// bound parameters; nothing from a request is ever spliced into SQL text.
import type { DuckDBValue } from '@duckdb/node-api';
import { BETTER_TAG, directionFields, type DirectionFields } from '../../activities/dataset/direction.js';
import { latestPerGroup } from '../../activities/dataset/latest-per-group.js';
import type { ViewerStore } from './store.js';

export interface Filters {
  suite?: string;
  metric?: string;
  chip?: string;
  quantization?: string;
  model?: string;
  since?: string;
  until?: string;
}

export interface LeaderboardRow extends DirectionFields {
  model: string;
  quantization: string | null;
  suite: string;
  name: string;
  metric: string;
  unit: string;
  value: number;
  timestamp: string;
  chip: string;
  envelope_hash: string;
}

const FILTER_SQL: Record<keyof Filters, string> = {
  suite: 'suite = $suite',
  metric: 'metric = $metric',
  chip: 'system_chip = $chip',
  quantization: 'quantization = $quantization',
  model: 'model = $model',
  since: 'timestamp >= CAST($since AS TIMESTAMPTZ)',
  until: 'timestamp <= CAST($until AS TIMESTAMPTZ)',
};

function where(filters: Filters, keys = Object.keys(FILTER_SQL) as Array<keyof Filters>): { clause: string; params: Record<string, DuckDBValue> } {
  const parts: string[] = ['value IS NOT NULL'];
  const params: Record<string, DuckDBValue> = {};
  for (const key of keys) {
    const value = filters[key];
    if (value === undefined || value === '') continue;
    parts.push(FILTER_SQL[key]);
    params[key] = value;
  }
  return { clause: parts.join(' AND '), params };
}

async function rows(store: ViewerStore, sql: string, params: Record<string, DuckDBValue> = {}) {
  const reader = await store.connection.runAndReadAll(sql, params);
  return reader.getRowObjectsJson() as Array<Record<string, unknown>>;
}

const POINT_COLUMNS = `model, quantization, suite, name, metric, unit, value, system_chip AS chip,
  strftime(timestamp AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS timestamp, envelope_hash, better_tag`;

/** The latest result per group by the one rule (activities/dataset/latest-per-group.ts). Quantization is
 * not part of the group key, so it filters the rule's answers rather than the candidates. The page ranks
 * the rows (see static/app.js). */
export async function leaderboard(store: ViewerStore, filters: Filters): Promise<LeaderboardRow[]> {
  const rule = latestPerGroup();
  const before = where(filters, ['suite', 'metric', 'chip', 'model', 'since', 'until']);
  const quantization = filters.quantization;
  const after = quantization ? ' AND quantization = $quantization' : '';
  const latest = await rows(
    store,
    `SELECT ${POINT_COLUMNS} FROM results WHERE ${rule.candidates} AND ${before.clause} ${rule.qualify}${after} ${rule.orderBy}`,
    quantization ? { ...before.params, quantization } : before.params,
  );
  return latest.map(withDirection);
}

function withDirection({ better_tag, ...r }: Record<string, unknown>): LeaderboardRow {
  const tags = typeof better_tag === 'string' ? { [BETTER_TAG]: better_tag } : undefined;
  return {
    ...(r as unknown as Omit<LeaderboardRow, keyof DirectionFields>),
    value: Number(r.value),
    ...directionFields({ tags, metric: String(r.metric), unit: String(r.unit), name: String(r.name) }),
  };
}

export interface TrendSeries {
  model: string;
  points: Array<{ timestamp: string; value: number; envelope_hash: string }>;
}

/** One series per model over time for a single (suite, name, metric). */
export async function trends(
  store: ViewerStore,
  models: string[],
  measure: { suite: string; name: string; metric: string },
  filters: Filters = {},
): Promise<TrendSeries[]> {
  const series: TrendSeries[] = [];
  for (const model of models) {
    const { clause, params } = where({ ...filters, model, suite: measure.suite, metric: measure.metric });
    const points = await rows(
      store,
      `SELECT strftime(timestamp AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS timestamp, value, envelope_hash
         FROM results WHERE ${clause} AND name = $name ORDER BY timestamp`,
      { ...params, name: measure.name },
    );
    series.push({ model, points: points.map((p) => ({ timestamp: String(p.timestamp), value: Number(p.value), envelope_hash: String(p.envelope_hash) })) });
  }
  return series;
}

export interface RunSummary {
  envelope_hash: string;
  timestamp: string;
  suite: string;
  model: string;
  quantization: string | null;
  chip: string;
  results: number;
  shard: string;
}

export async function listRuns(store: ViewerStore, filters: Filters, limit = 200): Promise<RunSummary[]> {
  const { clause, params } = where(filters);
  const list = await rows(
    store,
    `SELECT envelope_hash, strftime(any_value(timestamp) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ') AS timestamp, any_value(suite) AS suite,
            any_value(model) AS model, any_value(quantization) AS quantization, any_value(system_chip) AS chip,
            count(*)::INTEGER AS results, any_value(shard) AS shard
       FROM results WHERE ${clause.replace('value IS NOT NULL', 'TRUE')}
      GROUP BY envelope_hash ORDER BY timestamp DESC LIMIT $limit`,
    { ...params, limit },
  );
  return list as unknown as RunSummary[];
}

/** The whole envelope of one run, read back from its shard. */
export async function runEnvelope(store: ViewerStore, hash: string): Promise<{ envelope: unknown; shard: string } | undefined> {
  if (!/^[0-9a-f]{8,64}$/.test(hash)) return undefined;
  const found = await rows(store, 'SELECT any_value(shard) AS shard FROM results WHERE envelope_hash = $hash', { hash });
  const shard = found[0]?.shard;
  if (typeof shard !== 'string') return undefined;
  const envelope = await rows(store, 'SELECT envelope_json FROM read_parquet($path) LIMIT 1', { path: store.shardPath(shard) });
  const text = envelope[0]?.envelope_json;
  if (typeof text !== 'string') return undefined;
  return { envelope: JSON.parse(text), shard };
}

/** Distinct values for the filter menus. */
export async function facets(store: ViewerStore): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [key, column] of [
    ['suites', 'suite'],
    ['metrics', 'metric'],
    ['chips', 'system_chip'],
    ['quantizations', 'quantization'],
    ['models', 'model'],
  ] as const) {
    const list = await rows(store, `SELECT DISTINCT ${column} AS v FROM results WHERE ${column} IS NOT NULL ORDER BY 1`);
    out[key] = list.map((r) => String(r.v));
  }
  const names = await rows(store, 'SELECT DISTINCT suite, name, metric FROM results WHERE value IS NOT NULL ORDER BY 1, 2, 3');
  out.measures = names.map((r) => `${String(r.suite)}|${String(r.name)}|${String(r.metric)}`);
  return out;
}

/** One measured value as the page sees it (the same shape as a leaderboard row). */
export type Point = LeaderboardRow;

/** Every measured value, for the static export's trend charts (its leaderboard ships computed). */
export async function allPoints(store: ViewerStore): Promise<Point[]> {
  const list = await rows(store, `SELECT ${POINT_COLUMNS} FROM results WHERE value IS NOT NULL ORDER BY timestamp`);
  return list.map(withDirection);
}
