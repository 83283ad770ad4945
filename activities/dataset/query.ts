// Reading the dataset with DuckDB: filtered results, a leaderboard (latest value per model × suite ×
// result name × metric) and exact envelopes back from a shard. Filters are always bound as parameters;
// only column names chosen here appear in SQL text.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Envelope } from '../envelope/types.js';
import { InputError } from '../errors.js';
import { withConnection } from './duckdb.js';
import { datasetRepoName } from './location.js';
import { SHARD_DIR } from '../publish/shard-name.js';

export interface DatasetSource {
  /** Local dataset directory (holds data/*.parquet). */
  datasetDir?: string;
  /** Hugging Face dataset repo `owner/name`, read by DuckDB through hf:// paths (public repos; DuckDB
   * loads its httpfs extension for that). */
  repoId?: string;
}

export interface ResultFilter {
  suite?: string;
  model?: string;
  metric?: string;
  /** Only runs at or after this date-time (ISO 8601; a bare date means its midnight UTC). */
  since?: string;
}

export interface ResultRow {
  timestamp: string;
  suite: string;
  model: string;
  name: string;
  metric: string;
  value: number;
  unit: string;
  git_sha: string;
  trigger: string;
  model_revision: string | null;
  quantization: string | null;
  tags: Record<string, string>;
  envelope_hash: string;
}

const SELECT_COLUMNS = `epoch_ms(timestamp) AS timestamp_ms, suite, model, name, metric, value, unit, git_sha, trigger,
  model_revision, quantization, CAST(to_json(tags) AS VARCHAR) AS tags_json, envelope_hash`;

/** Every result row matching the filter, oldest first. */
export async function queryResults(source: DatasetSource, filter: ResultFilter = {}): Promise<ResultRow[]> {
  return selectRows(source, filter, 'ORDER BY timestamp, suite, model, name, metric, envelope_hash');
}

/** The latest result per model × suite × result name × metric (ties broken by envelope hash). */
export async function leaderboard(source: DatasetSource, filter: ResultFilter = {}): Promise<ResultRow[]> {
  return selectRows(
    source,
    filter,
    `QUALIFY row_number() OVER (PARTITION BY model, suite, name, metric ORDER BY timestamp DESC, envelope_hash DESC) = 1
     ORDER BY suite, name, metric, model`,
  );
}

/** The envelopes stored in one shard file, exactly as published. */
export async function readEnvelopes(shardFile: string): Promise<Envelope[]> {
  return withConnection(async (connection) => {
    const statement = await connection.prepare(
      'SELECT envelope_json FROM read_parquet($1) GROUP BY envelope_json ORDER BY min(timestamp), envelope_json',
    );
    statement.bindVarchar(1, shardFile);
    const reader = await statement.runAndReadAll();
    return reader.getRowObjectsJson().map((row) => JSON.parse(String(row.envelope_json)) as Envelope);
  });
}

async function selectRows(source: DatasetSource, filter: ResultFilter, tail: string): Promise<ResultRow[]> {
  // Checked before looking for shards, so a bad --since fails the same way on an empty dataset.
  const since = filter.since === undefined ? undefined : sinceInstant(filter.since);
  const files = await shardGlob(source);
  if (!files) return [];
  const conditions = ['result_index IS NOT NULL'];
  const params: string[] = [files];
  for (const key of ['suite', 'model', 'metric'] as const) {
    const value = filter[key];
    if (value !== undefined) {
      params.push(value);
      conditions.push(`${key} = $${params.length}`);
    }
  }
  if (since !== undefined) {
    params.push(since);
    conditions.push(`timestamp >= CAST($${params.length} AS TIMESTAMPTZ)`);
  }
  const sql = `SELECT ${SELECT_COLUMNS} FROM read_parquet($1) WHERE ${conditions.join(' AND ')} ${tail}`;
  return withConnection(async (connection) => toResultRows(await run(connection, sql, params)));
}

async function run(connection: DuckDBConnection, sql: string, params: string[]): Promise<Record<string, unknown>[]> {
  const statement = await connection.prepare(sql);
  params.forEach((value, index) => statement.bindVarchar(index + 1, value));
  return (await statement.runAndReadAll()).getRowObjectsJson() as Record<string, unknown>[];
}

function toResultRows(rows: Record<string, unknown>[]): ResultRow[] {
  return rows.map((row) => ({
    timestamp: new Date(Number(row.timestamp_ms)).toISOString(),
    suite: String(row.suite),
    model: String(row.model),
    name: String(row.name),
    metric: String(row.metric),
    value: Number(row.value),
    unit: String(row.unit),
    git_sha: String(row.git_sha),
    trigger: String(row.trigger),
    model_revision: (row.model_revision as string | null) ?? null,
    quantization: (row.quantization as string | null) ?? null,
    tags: row.tags_json ? (JSON.parse(String(row.tags_json)) as Record<string, string>) : {},
    envelope_hash: String(row.envelope_hash),
  }));
}

/** The read_parquet glob for a source, or undefined when a local dataset has no shards yet. */
async function shardGlob(source: DatasetSource): Promise<string | undefined> {
  if (source.datasetDir && source.repoId) throw new InputError('give either --dataset-dir or --repo-id, not both');
  if (source.repoId) return `hf://datasets/${datasetRepoName(source.repoId)}/${SHARD_DIR}/*.parquet`;
  const dir = join(source.datasetDir ?? '.', SHARD_DIR);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`cannot read dataset directory ${dir}: ${(error as Error).message}`);
  }
  return names.some((n) => n.endsWith('.parquet')) ? join(dir, '*.parquet') : undefined;
}

function sinceInstant(since: string): string {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(since) ? `${since}T00:00:00Z` : since.toUpperCase());
  if (Number.isNaN(ms)) throw new InputError(`--since ${JSON.stringify(since)} is not a date or date-time (e.g. 2026-11-01 or 2026-11-01T00:00:00Z)`);
  return new Date(ms).toISOString();
}
