// The viewer's read model: every readable shard of the dataset loaded once into an in-memory DuckDB
// table (without the bulky envelope JSON), topped up incrementally as new shards appear. Queries then
// cost milliseconds even over 10,000 shards, and a damaged or foreign shard is reported, not fatal.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { BETTER_TAG } from '../../activities/dataset/direction.js';
import { sqlString } from '../../activities/dataset/duckdb.js';
import { refreshIndex } from '../../activities/dataset/index-file.js';

/** Columns copied into the read model; the envelope JSON stays in the shard and is read per run. */
const MODEL_COLUMNS = [
  'schema_version', 'timestamp', 'git_sha', 'trigger', 'suite', 'model', 'model_revision', 'quantization',
  'skipped', 'system_os', 'system_chip', 'system_memory_gb', 'result_index', 'name', 'metric', 'value', 'unit',
  'duration_seconds', 'prompt_tokens_per_second', 'decode_tokens_per_second', 'total_tokens_per_second',
  'first_token_latency_ms', 'peak_rss_mb', 'envelope_hash',
] as const;
/** Of the tags only the recorded direction is kept (column `better_tag`), not the whole map. */
const SELECT_MODEL = [
  ...MODEL_COLUMNS.map((c) => `CAST(${c} AS ${columnType(c)}) AS ${c}`),
  `map_extract_value(tags, ${sqlString(BETTER_TAG)}) AS better_tag`,
].join(', ');
/** Columns a shard (or the index) must have to be loaded. */
const SOURCE_COLUMNS = [...MODEL_COLUMNS, 'tags'];

export interface DatasetWarning {
  kind: 'unreadable' | 'older-schema';
  file: string;
  message: string;
}

export interface StoreStatus {
  shards: number;
  rows: number;
  warnings: DatasetWarning[];
  loadedAt: string;
}

export class ViewerStore {
  private readonly seen = new Set<string>();
  private readonly warnings: DatasetWarning[] = [];
  private lastScan = 0;
  private scanning: Promise<void> | undefined;

  private constructor(
    private readonly dataDir: string,
    readonly connection: DuckDBConnection,
  ) {}

  /** Opens a store over `<datasetDir>/data/*.parquet` and loads what is there. */
  static async open(datasetDir: string): Promise<ViewerStore> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`CREATE TABLE results (${MODEL_COLUMNS.map((c) => `${c} ${columnType(c)}`).join(', ')}, better_tag VARCHAR, shard VARCHAR)`);
    const store = new ViewerStore(join(datasetDir, 'data'), connection);
    await store.refresh(true);
    return store;
  }

  /** Picks up new shards; cheap when nothing changed, and at most once every `minIntervalMs`. */
  async refresh(force = false, minIntervalMs = 2000): Promise<void> {
    if (!force && Date.now() - this.lastScan < minIntervalMs) return this.scanning;
    this.lastScan = Date.now();
    this.scanning ??= this.scan().finally(() => {
      this.scanning = undefined;
    });
    return this.scanning;
  }

  async status(): Promise<StoreStatus> {
    const reader = await this.connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM results');
    const rows = Number(reader.getRowObjectsJS()[0]?.n ?? 0);
    return { shards: this.seen.size, rows, warnings: [...this.warnings], loadedAt: new Date(this.lastScan).toISOString() };
  }

  shardPath(file: string): string {
    return join(this.dataDir, file);
  }

  private async scan(): Promise<void> {
    let files: string[];
    try {
      files = (await readdir(this.dataDir)).filter((f) => f.endsWith('.parquet')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    if (this.seen.size === 0) await this.seedFromIndex(new Set(files));
    const fresh = files.filter((f) => !this.seen.has(f));
    // Batches keep each read_parquet call's file list (and a failure's blast radius) bounded.
    for (let i = 0; i < fresh.length; i += 500) await this.load(fresh.slice(i, i + 500));
  }

  /** Loads what the dataset's derived index covers in one read (refreshing it when many shards are new),
   * so the viewer starts in milliseconds over thousands of shards. Any failure just means the shards are
   * read one batch at a time instead. */
  private async seedFromIndex(present: Set<string>): Promise<void> {
    const datasetDir = join(this.dataDir, '..');
    try {
      const index = await refreshIndex(this.connection, datasetDir);
      if (!index) return;
      await this.connection.run(`INSERT INTO results SELECT ${SELECT_MODEL}, shard FROM read_parquet(${sqlString(index.indexPath)})`);
      const gone = [...index.covered].filter((f) => !present.has(f));
      for (const f of gone) await this.connection.run('DELETE FROM results WHERE shard = $f', { f });
      for (const f of index.covered) if (present.has(f)) this.seen.add(f);
    } catch {
      await this.connection.run('DELETE FROM results');
      this.seen.clear();
    }
  }

  private async load(batch: string[]): Promise<void> {
    if (batch.length === 0) return;
    try {
      await this.insert(batch);
      batch.forEach((f) => this.seen.add(f));
    } catch (error) {
      const [only] = batch;
      if (only !== undefined && batch.length === 1) {
        this.seen.add(only);
        this.warnings.push(await this.classify(only, error));
        return;
      }
      // Split until the damaged shards are isolated; the healthy ones still load.
      const mid = Math.ceil(batch.length / 2);
      await this.load(batch.slice(0, mid));
      await this.load(batch.slice(mid));
    }
  }

  private async insert(batch: string[]): Promise<void> {
    const list = batch.map((f) => sqlString(join(this.dataDir, f))).join(', ');
    // The file list is built from directory entries, never from request text.
    await this.connection.run(
      `INSERT INTO results SELECT ${SELECT_MODEL}, parse_filename(filename) AS shard FROM read_parquet([${list}], filename = true)`,
    );
  }

  private async classify(file: string, error: unknown): Promise<DatasetWarning> {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    try {
      // A parquet file we can read but not load has another column layout (e.g. the seed's shards).
      const reader = await this.connection.runAndReadAll(`SELECT name FROM parquet_schema(${sqlString(this.shardPath(file))})`);
      // parquet_schema's `name` is a VARCHAR column.
      const columns = new Set(reader.getRowObjectsJS().flatMap((r) => (typeof r.name === 'string' ? [r.name] : [])));
      const missing = SOURCE_COLUMNS.filter((c) => !columns.has(c));
      if (missing.length === 0) return { kind: 'unreadable', file, message: `shard cannot be loaded: ${message}` };
      return {
        kind: 'older-schema',
        file,
        message: `shard has another column layout (older schema?); missing ${missing.slice(0, 6).join(', ')}${missing.length > 6 ? ` and ${missing.length - 6} more` : ''}`,
      };
    } catch {
      return { kind: 'unreadable', file, message: `shard cannot be read: ${message}` };
    }
  }
}

function columnType(column: string): string {
  switch (column) {
    case 'timestamp':
      return 'TIMESTAMPTZ';
    case 'skipped':
      return 'BOOLEAN';
    case 'system_memory_gb':
    case 'result_index':
      return 'INTEGER';
    case 'value':
    case 'duration_seconds':
    case 'prompt_tokens_per_second':
    case 'decode_tokens_per_second':
    case 'total_tokens_per_second':
    case 'first_token_latency_ms':
    case 'peak_rss_mb':
      return 'DOUBLE';
    default:
      return 'VARCHAR';
  }
}
