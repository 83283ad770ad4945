// A derived index beside the immutable shards: <dataset>/index/results.parquet holds the columns queries
// need (no envelope_json) for many shards at once, plus each row's shard file name. Opening 10,000 small
// parquet files costs DuckDB seconds; one index file costs milliseconds (docs/performance.md). The
// shards stay the source of truth: the index only ever covers shards that exist, shards it does not
// cover yet are read directly, and deleting index/ loses nothing. It is rebuilt (temp file + rename)
// when a query finds at least REINDEX_AFTER shards it does not cover and the directory is writable.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { LIST, VARCHAR, listValue, type DuckDBConnection, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { SHARD_DIR } from '../publish/shard-name.js';
import { sqlString } from './duckdb.js';

export const INDEX_DIR = 'index';
export const INDEX_FILE = 'results.parquet';
/** Uncovered shards read directly below this count; at or above it a query refreshes the index first. */
export const REINDEX_AFTER = 64;

/** Columns kept in the index: everything the result queries and the viewer filter, sort or return. */
export const INDEX_COLUMNS = [
  'schema_version', 'timestamp', 'suite', 'model', 'name', 'metric', 'value', 'unit', 'git_sha', 'trigger',
  'model_revision', 'quantization', 'skipped', 'system_os', 'system_chip', 'system_memory_gb', 'duration_seconds',
  'prompt_tokens_per_second', 'decode_tokens_per_second', 'total_tokens_per_second', 'first_token_latency_ms',
  'peak_rss_mb', 'tags', 'envelope_hash', 'result_index',
] as const;

export interface ShardRelation {
  /** A parenthesised subquery with INDEX_COLUMNS and `shard`, to use as `FROM <sql>`. */
  sql: string;
  /** Binds the relation's list parameters (numbered from the `first` it was built with). */
  bind: (statement: DuckDBPreparedStatement) => void;
  /** Number of parameters the relation uses. */
  parameters: number;
  shards: number;
  indexed: number;
}

const COLS = INDEX_COLUMNS.join(', ');
const LIST_OF_VARCHAR = LIST(VARCHAR);

/**
 * The rows of every shard in a local dataset, from the index where it covers them and from the shard
 * files where not, refreshing the index first when too many are uncovered. Undefined when there are no
 * shards. Parameters are numbered from `first`.
 */
export async function localShardRelation(connection: DuckDBConnection, datasetDir: string, first: number): Promise<ShardRelation | undefined> {
  const dataDir = join(datasetDir, SHARD_DIR);
  const names = (await readdir(dataDir).catch(() => [] as string[])).filter((n) => n.endsWith('.parquet')).sort();
  if (names.length === 0) return undefined;
  const indexPath = join(datasetDir, INDEX_DIR, INDEX_FILE);
  let covered = await coveredShards(connection, indexPath);
  let uncovered = names.filter((n) => !covered.has(n));
  if (uncovered.length >= REINDEX_AFTER && (await rebuildIndex(connection, datasetDir, names, covered.size > 0))) {
    covered = new Set(names);
    uncovered = [];
  }
  const present = names.filter((n) => covered.has(n));
  const parts: string[] = [];
  const lists: string[][] = [];
  if (present.length > 0 && present.length === covered.size) {
    // Every indexed shard still exists (the normal case: shards are immutable): no filter needed, and
    // binding a list of 10,000 names costs more than the query itself.
    parts.push(`SELECT ${COLS}, shard FROM read_parquet(${sqlString(indexPath)})`);
  } else if (present.length > 0) {
    lists.push(present);
    parts.push(`SELECT ${COLS}, shard FROM read_parquet(${sqlString(indexPath)}) WHERE shard IN (SELECT unnest($${first + lists.length - 1}))`);
  }
  if (uncovered.length > 0) {
    lists.push(uncovered.map((n) => join(dataDir, n)));
    parts.push(`SELECT ${COLS}, parse_filename(filename) AS shard FROM read_parquet($${first + lists.length - 1}, filename = true)`);
  }
  return {
    sql: `(${parts.join(' UNION ALL ')})`,
    bind: (statement) => lists.forEach((list, i) => statement.bindList(first + i, listValue(list), LIST_OF_VARCHAR)),
    parameters: lists.length,
    shards: names.length,
    indexed: present.length,
  };
}

/**
 * Brings the index up to date when at least REINDEX_AFTER shards are not covered (the same rule queries
 * use). Returns the index path when an index covering the listed shards exists afterwards.
 */
export async function refreshIndex(connection: DuckDBConnection, datasetDir: string): Promise<{ indexPath: string; covered: Set<string> } | undefined> {
  const names = (await readdir(join(datasetDir, SHARD_DIR)).catch(() => [] as string[])).filter((n) => n.endsWith('.parquet')).sort();
  if (names.length === 0) return undefined;
  const indexPath = join(datasetDir, INDEX_DIR, INDEX_FILE);
  let covered = await coveredShards(connection, indexPath);
  const uncovered = names.filter((n) => !covered.has(n)).length;
  if (uncovered >= REINDEX_AFTER && (await rebuildIndex(connection, datasetDir, names, covered.size > 0))) covered = new Set(names);
  return covered.size > 0 ? { indexPath, covered } : undefined;
}

async function coveredShards(connection: DuckDBConnection, indexPath: string): Promise<Set<string>> {
  try {
    // Selecting every index column also rejects an index written with another column set.
    const reader = await connection.runAndReadAll(`SELECT DISTINCT shard FROM (SELECT ${COLS}, shard FROM read_parquet(${sqlString(indexPath)}))`);
    // `shard` is a VARCHAR column: every value is a string.
    return new Set(reader.getRowObjectsJson().flatMap((r) => (typeof r.shard === 'string' ? [r.shard] : [])));
  } catch {
    // No index yet, or one this version cannot read: the shards themselves are always enough.
    return new Set();
  }
}

/** Writes a fresh index covering `names`; false when the dataset is read-only (queries still work). */
async function rebuildIndex(connection: DuckDBConnection, datasetDir: string, names: string[], hadIndex: boolean): Promise<boolean> {
  const dir = join(datasetDir, INDEX_DIR);
  const indexPath = join(dir, INDEX_FILE);
  const temp = join(dir, `.${INDEX_FILE}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    // Rows already indexed are copied from the old index; only new shards are opened.
    const old = hadIndex ? await coveredShards(connection, indexPath) : new Set<string>();
    const fresh = names.filter((n) => !old.has(n)).map((n) => join(datasetDir, SHARD_DIR, n));
    const present = new Set(names);
    const sources: string[] = [];
    const lists: string[][] = [];
    if (old.size > 0) {
      const gone = [...old].some((n) => !present.has(n));
      if (gone) lists.push(names);
      sources.push(`SELECT ${COLS}, shard FROM read_parquet(${sqlString(indexPath)})${gone ? ` WHERE shard IN (SELECT unnest($${lists.length}))` : ''}`);
    }
    if (fresh.length > 0) {
      lists.push(fresh);
      sources.push(`SELECT ${COLS}, parse_filename(filename) AS shard FROM read_parquet($${lists.length}, filename = true)`);
    }
    const statement = await connection.prepare(
      `COPY (SELECT * FROM (${sources.join(' UNION ALL ')}) ORDER BY shard, result_index) TO ${sqlString(temp)} (FORMAT parquet)`,
    );
    lists.forEach((list, i) => statement.bindList(i + 1, listValue(list), LIST_OF_VARCHAR));
    await statement.run();
    await rename(temp, indexPath);
    return true;
  } catch {
    await unlink(temp).catch(() => undefined);
    return false;
  }
}
