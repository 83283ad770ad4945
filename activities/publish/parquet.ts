// Writes shard rows to a parquet file with one DuckDB COPY. Every value is bound as a typed parameter
// (never spliced into SQL); only the output path, which COPY cannot take as a parameter, is quoted as a
// literal. Binding typed values directly is several times cheaper than shipping the rows as JSON and
// json_transform-ing them (measured: docs/performance.md), which matters at hundreds of shards a second.
import { DOUBLE, LIST, MAP, STRUCT, VARCHAR, listValue, mapValue, structValue, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { MEMORY_SNAPSHOT_FIELDS, SHARD_COLUMNS, SQL_TYPES, type ColumnKind, type ShardRow } from './columns.js';
import { sqlString, withConnection } from '../dataset/duckdb.js';

const TAGS_TYPE = MAP(VARCHAR, VARCHAR);
const MEMORY_TYPE = LIST(STRUCT({ phase: VARCHAR, rss_gb: DOUBLE, free_gb: DOUBLE, wired_gb: DOUBLE, swap_mb: DOUBLE }));
const ERRORS_TYPE = LIST(VARCHAR);

function rowSelect(rowIndex: number): string {
  const offset = rowIndex * SHARD_COLUMNS.length;
  return `SELECT ${SHARD_COLUMNS.map(([name, kind], i) => {
    const param = `$${offset + i + 1}`;
    // TRY_CAST: an unvalidated envelope's odd date-time becomes NULL here (envelope_json keeps it).
    const expr = kind === 'TIMESTAMPTZ' ? `TRY_CAST(${param}::VARCHAR AS TIMESTAMPTZ)` : `${param}::${SQL_TYPES[kind]}`;
    return `${expr} AS "${name}"`;
  }).join(', ')}`;
}

export async function writeParquet(rows: readonly ShardRow[], filePath: string): Promise<void> {
  const select = rows.map((_, i) => rowSelect(i)).join(' UNION ALL ');
  await withConnection(async (connection) => {
    const statement = await connection.prepare(`COPY (${select}) TO ${sqlString(filePath)} (FORMAT parquet)`);
    rows.forEach((row, r) => {
      SHARD_COLUMNS.forEach(([name, kind], c) => bindValue(statement, r * SHARD_COLUMNS.length + c + 1, kind, row[name]));
    });
    await statement.run();
  });
}

// Values of the wrong JS type (possible only under --no-validate) bind as NULL rather than failing.
function bindValue(statement: DuckDBPreparedStatement, index: number, kind: ColumnKind, value: unknown): void {
  switch (kind) {
    case 'VARCHAR':
    case 'TIMESTAMPTZ':
      return typeof value === 'string' ? statement.bindVarchar(index, value) : statement.bindNull(index);
    case 'BIGINT':
      return Number.isSafeInteger(value) ? statement.bindBigInt(index, BigInt(value as number)) : statement.bindNull(index);
    case 'INTEGER':
      return Number.isSafeInteger(value) ? statement.bindInteger(index, value as number) : statement.bindNull(index);
    case 'DOUBLE':
      return Number.isFinite(value) ? statement.bindDouble(index, value as number) : statement.bindNull(index);
    case 'BOOLEAN':
      return typeof value === 'boolean' ? statement.bindBoolean(index, value) : statement.bindNull(index);
    case 'TAGS': {
      if (!isObject(value)) return statement.bindNull(index);
      const entries = Object.entries(value).map(([key, v]) => ({ key, value: typeof v === 'string' ? v : JSON.stringify(v) }));
      return statement.bindMap(index, mapValue(entries), TAGS_TYPE);
    }
    case 'MEMORY': {
      if (!Array.isArray(value)) return statement.bindNull(index);
      const items = value.filter(isObject).map((snapshot) =>
        structValue(
          Object.fromEntries(
            MEMORY_SNAPSHOT_FIELDS.map((f) => {
              const v = snapshot[f];
              return [f, f === 'phase' ? (typeof v === 'string' ? v : null) : Number.isFinite(v) ? (v as number) : null];
            }),
          ),
        ),
      );
      return statement.bindList(index, listValue(items), MEMORY_TYPE);
    }
    case 'ERRORS':
      if (!Array.isArray(value)) return statement.bindNull(index);
      return statement.bindList(index, listValue(value.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))), ERRORS_TYPE);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
