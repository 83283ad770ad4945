// Writes shard rows to a parquet file with one DuckDB COPY. Every value is bound as a typed parameter
// (never spliced into SQL); only the output path, which COPY cannot take as a parameter, is quoted as a
// literal. Envelope-level columns are bound once as scalars and the per-result columns as lists that
// DuckDB unnests side by side, so the statement has the same 45 parameters whatever the row count —
// binding rows as JSON (json_transform) or as one SELECT per row (UNION ALL) was several times slower.
import { DOUBLE, INTEGER, LIST, MAP, STRUCT, VARCHAR, listValue, mapValue, structValue, type DuckDBPreparedStatement, type DuckDBValue } from '@duckdb/node-api';
import { MEMORY_SNAPSHOT_FIELDS, PER_RESULT_COLUMNS, SHARD_COLUMNS, SQL_TYPES, type ColumnKind, type ShardRow } from './columns.js';
import { sqlString, withConnection } from '../dataset/duckdb.js';
import { isRecord } from '../../workflows/shared/records.js';

const TAGS_TYPE = MAP(VARCHAR, VARCHAR);
const MEMORY_TYPE = LIST(STRUCT({ phase: VARCHAR, rss_gb: DOUBLE, free_gb: DOUBLE, wired_gb: DOUBLE, swap_mb: DOUBLE }));
const ERRORS_TYPE = LIST(VARCHAR);
const LIST_TYPES: Partial<Record<ColumnKind, ReturnType<typeof LIST>>> = {
  VARCHAR: LIST(VARCHAR),
  DOUBLE: LIST(DOUBLE),
  INTEGER: LIST(INTEGER),
  TAGS: LIST(TAGS_TYPE),
};

const SELECT = SHARD_COLUMNS.map(([name, kind], i) => {
  const param = `$${i + 1}`;
  if (PER_RESULT_COLUMNS.has(name)) return `unnest(${param}::${SQL_TYPES[kind]}[]) AS "${name}"`;
  // TRY_CAST: an unvalidated envelope's odd date-time becomes NULL here (envelope_json keeps it).
  if (kind === 'TIMESTAMPTZ') return `TRY_CAST(${param}::VARCHAR AS TIMESTAMPTZ) AS "${name}"`;
  return `${param}::${SQL_TYPES[kind]} AS "${name}"`;
}).join(', ');

export async function writeParquet(rows: readonly ShardRow[], filePath: string): Promise<void> {
  const [first] = rows;
  if (first === undefined) throw new Error('a shard needs at least one row');
  await withConnection(async (connection) => {
    const statement = await connection.prepare(`COPY (SELECT ${SELECT}) TO ${sqlString(filePath)} (FORMAT parquet)`);
    SHARD_COLUMNS.forEach(([name, kind], c) => {
      if (PER_RESULT_COLUMNS.has(name)) {
        statement.bindList(c + 1, listValue(rows.map((row) => toValue(kind, row[name]))), LIST_TYPES[kind]);
      } else {
        bindScalar(statement, c + 1, kind, first[name]);
      }
    });
    await statement.run();
  });
}

function bindScalar(statement: DuckDBPreparedStatement, index: number, kind: ColumnKind, value: unknown): void {
  const v = toValue(kind, value);
  if (v === null) { statement.bindNull(index); return; }
  switch (kind) {
    case 'VARCHAR':
    case 'TIMESTAMPTZ':
      { statement.bindVarchar(index, v as string); return; }
    case 'BIGINT':
      { statement.bindBigInt(index, v as bigint); return; }
    case 'INTEGER':
      { statement.bindInteger(index, v as number); return; }
    case 'DOUBLE':
      { statement.bindDouble(index, v as number); return; }
    case 'BOOLEAN':
      { statement.bindBoolean(index, v as boolean); return; }
    // bindMap and bindList with a map or list value are bindValue with the type; bindValue takes the
    // value toValue made without a cast.
    case 'TAGS':
      { statement.bindValue(index, v, TAGS_TYPE); return; }
    case 'MEMORY':
      { statement.bindValue(index, v, MEMORY_TYPE); return; }
    case 'ERRORS':
      { statement.bindValue(index, v, ERRORS_TYPE); return; }
  }
}

/** The DuckDB value for a column, or null. Values of the wrong JS type (possible only under
 * --no-validate) become NULL in that column rather than failing; envelope_json still has them. */
function toValue(kind: ColumnKind, value: unknown): DuckDBValue {
  switch (kind) {
    case 'VARCHAR':
    case 'TIMESTAMPTZ':
      return typeof value === 'string' ? value : null;
    case 'BIGINT':
      return Number.isSafeInteger(value) ? BigInt(value as number) : null;
    case 'INTEGER':
      return Number.isSafeInteger(value) ? (value as number) : null;
    case 'DOUBLE':
      return Number.isFinite(value) ? (value as number) : null;
    case 'BOOLEAN':
      return typeof value === 'boolean' ? value : null;
    case 'TAGS':
      if (!isRecord(value)) return null;
      return mapValue(Object.entries(value).map(([key, v]) => ({ key, value: typeof v === 'string' ? v : JSON.stringify(v) })));
    case 'MEMORY':
      if (!Array.isArray(value)) return null;
      return listValue(
        value.filter(isRecord).map((snapshot) =>
          structValue(
            Object.fromEntries(
              MEMORY_SNAPSHOT_FIELDS.map((f) => {
                const v = snapshot[f];
                return [f, f === 'phase' ? (typeof v === 'string' ? v : null) : Number.isFinite(v) ? (v as number) : null];
              }),
            ),
          ),
        ),
      );
    case 'ERRORS':
      if (!Array.isArray(value)) return null;
      return listValue(value.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))));
  }
}

