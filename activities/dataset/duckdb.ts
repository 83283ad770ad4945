// One in-memory DuckDB instance per process, shared by the publisher and the dataset queries: creating an
// instance is far costlier than a connection, and a worker publishes many shards over a night.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

let instance: Promise<DuckDBInstance> | undefined;

export function duckdb(): Promise<DuckDBInstance> {
  instance ??= DuckDBInstance.create(':memory:');
  return instance;
}

/** Runs `work` on a fresh connection (connections are cheap; one per operation keeps concurrent
 * callers from sharing transaction state) and closes it afterwards. */
export async function withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  const connection = await (await duckdb()).connect();
  try {
    return await work(connection);
  } finally {
    connection.closeSync();
  }
}

/** Quotes a string as a SQL literal, for the few places DuckDB takes no parameter (COPY ... TO 'path'). */
export function sqlString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
