// Writes shard rows to a parquet file with DuckDB. The rows travel as one JSON parameter and
// json_transform gives every column its fixed type, so no value is ever spliced into SQL text (only the
// output path, which COPY cannot take as a parameter, is quoted as a literal).
import { rowsJsonStructure, type ShardRow } from './columns.js';
import { sqlString, withConnection } from '../dataset/duckdb.js';

const structure = rowsJsonStructure();

export async function writeParquet(rows: readonly ShardRow[], filePath: string): Promise<void> {
  await withConnection(async (connection) => {
    const statement = await connection.prepare(
      `COPY (SELECT r.* FROM (SELECT unnest(json_transform($1::JSON, ${sqlString(structure)})) AS r))
       TO ${sqlString(filePath)} (FORMAT parquet)`,
    );
    statement.bindVarchar(1, JSON.stringify(rows));
    await statement.run();
  });
}
