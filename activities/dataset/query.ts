// Reading the dataset with DuckDB: filtered results, a leaderboard (the latest result per group, by the
// rule in latest-per-group.ts) and exact envelopes back from a shard. Filters are always bound as
// parameters; only column names chosen here appear in SQL text.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBPreparedStatement } from '@duckdb/node-api';
import { directionFields, type DirectionFields } from './direction.js';
import { localShardRelation } from './index-file.js';
import { latestPerGroup } from './latest-per-group.js';
import type { Envelope } from '../../workflows/shared/envelope.js';
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

/** A leaderboard row: the group's latest result, its machine, and which direction is better. */
export interface LeaderboardRow extends ResultRow, DirectionFields {
  chip: string;
}

const SELECT_COLUMNS = `epoch_ms(timestamp) AS timestamp_ms, suite, model, name, metric, value, unit, git_sha, trigger,
  model_revision, quantization, CAST(to_json(tags) AS VARCHAR) AS tags_json, envelope_hash, system_chip`;

/** Every result row matching the filter, oldest first. */
export async function queryResults(source: DatasetSource, filter: ResultFilter = {}): Promise<ResultRow[]> {
  const rows = await selectRows(source, filter, 'TRUE', 'ORDER BY timestamp, suite, model, name, metric, envelope_hash');
  return rows.map(toResultRow);
}

/** The latest result per model × suite × result name × metric × chip (latest-per-group.ts). */
export async function leaderboard(source: DatasetSource, filter: ResultFilter = {}): Promise<LeaderboardRow[]> {
  const rule = latestPerGroup();
  const rows = await selectRows(source, filter, rule.candidates, `${rule.qualify} ${rule.orderBy}`);
  return rows.map((raw) => {
    const row = toResultRow(raw);
    return { ...row, chip: String(raw.system_chip), ...directionFields(row) };
  });
}

/** The envelopes stored in one shard file, exactly as published. */
export async function readEnvelopes(shardFile: string): Promise<Envelope[]> {
  return withConnection(async (connection) => {
    const statement = await connection.prepare(
      'SELECT envelope_json FROM read_parquet($1) GROUP BY envelope_json ORDER BY min(timestamp), envelope_json',
    );
    statement.bindVarchar(1, shardFile);
    const reader = await statement.runAndReadAll();
    return reader.getRowObjectsJson().map((row) => {
      const json = row.envelope_json;
      if (typeof json !== 'string') throw new Error(`${shardFile}: envelope_json is not text`);
      return JSON.parse(json) as Envelope;
    });
  });
}

async function selectRows(source: DatasetSource, filter: ResultFilter, condition: string, tail: string): Promise<Record<string, unknown>[]> {
  if (source.datasetDir && source.repoId) throw new InputError('give either --dataset-dir or --repo-id, not both');
  // Checked before looking for shards, so a bad --since fails the same way on an empty dataset.
  const since = filter.since === undefined ? undefined : sinceInstant(filter.since);
  const filters: Array<[string, string]> = [];
  for (const key of ['suite', 'model', 'metric'] as const) {
    const value = filter[key];
    if (value !== undefined) filters.push([`${key} = ?`, value]);
  }
  if (since !== undefined) filters.push(['timestamp >= CAST(? AS TIMESTAMPTZ)', since]);
  return withConnection(async (connection) => {
    let from: string;
    let bindSource: (statement: DuckDBPreparedStatement) => void;
    let next: number;
    if (source.repoId) {
      from = 'read_parquet($1)';
      const glob = `hf://datasets/${datasetRepoName(source.repoId)}/${SHARD_DIR}/*.parquet`;
      bindSource = (statement) => statement.bindVarchar(1, glob);
      next = 2;
    } else {
      const relation = await localShardRelation(connection, await readableDir(source.datasetDir ?? '.'), 1);
      if (!relation) return [];
      from = relation.sql;
      bindSource = relation.bind;
      next = 1 + relation.parameters;
    }
    const conditions = ['result_index IS NOT NULL', condition, ...filters.map(([condition], i) => condition.replace('?', `$${next + i}`))];
    const statement = await connection.prepare(`SELECT ${SELECT_COLUMNS} FROM ${from} WHERE ${conditions.join(' AND ')} ${tail}`);
    bindSource(statement);
    filters.forEach(([, value], i) => statement.bindVarchar(next + i, value));
    return (await statement.runAndReadAll()).getRowObjectsJson();
  });
}

function toResultRow(row: Record<string, unknown>): ResultRow {
  return {
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
    tags: typeof row.tags_json === 'string' && row.tags_json !== '' ? (JSON.parse(row.tags_json) as Record<string, string>) : {},
    envelope_hash: String(row.envelope_hash),
  };
}

/** The dataset directory, or an InputError when it exists but cannot be read (a missing one is empty). */
async function readableDir(dir: string): Promise<string> {
  try {
    await readdir(join(dir, SHARD_DIR));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new InputError(`cannot read dataset directory ${join(dir, SHARD_DIR)}: ${(error as Error).message}`);
  }
  return dir;
}

function sinceInstant(since: string): string {
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(since) ? `${since}T00:00:00Z` : since.toUpperCase());
  if (Number.isNaN(ms)) throw new InputError(`--since ${JSON.stringify(since)} is not a date or date-time (e.g. 2026-11-01 or 2026-11-01T00:00:00Z)`);
  return new Date(ms).toISOString();
}
