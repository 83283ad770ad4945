// The one column set every shard has (design notes: "one fixed column set for every shard"). The seed
// wrote a column per tag, so shards disagreed and readers lost data; here tags are a MAP, the variable
// parts are typed LIST/STRUCT columns, and envelope_json carries the whole envelope so nothing is lost.
// One row per result; an envelope with no results still gets one row (result columns null) so the run
// itself is visible in the dataset.
import type { Envelope, EnvelopeResult } from '../../workflows/shared/envelope.js';

export const SYSTEM_FIELDS = [
  'os',
  'chip',
  'memory_gb',
  'vllm_mlx_version',
  'runner',
  'python_version',
  'mlx_version',
  'mlx_lm_version',
  'lm_eval_version',
  'kernel',
] as const;
export const GEN_FIELDS = ['max_gen_toks', 'temperature', 'top_p', 'top_k'] as const;
export const RESULT_NUMBER_FIELDS = [
  'duration_seconds',
  'prompt_tokens_per_second',
  'decode_tokens_per_second',
  'total_tokens_per_second',
  'first_token_latency_ms',
  'peak_rss_mb',
] as const;

/** How each column is typed and bound. The composite kinds have fixed DuckDB types (SQL_TYPES). */
export type ColumnKind = 'VARCHAR' | 'TIMESTAMPTZ' | 'BIGINT' | 'INTEGER' | 'DOUBLE' | 'BOOLEAN' | 'TAGS' | 'MEMORY' | 'ERRORS';

export const MEMORY_SNAPSHOT_FIELDS = ['phase', 'rss_gb', 'free_gb', 'wired_gb', 'swap_mb'] as const;

export const SQL_TYPES: Record<ColumnKind, string> = {
  VARCHAR: 'VARCHAR',
  TIMESTAMPTZ: 'TIMESTAMPTZ',
  BIGINT: 'BIGINT',
  INTEGER: 'INTEGER',
  DOUBLE: 'DOUBLE',
  BOOLEAN: 'BOOLEAN',
  TAGS: 'MAP(VARCHAR, VARCHAR)',
  MEMORY: 'STRUCT(phase VARCHAR, rss_gb DOUBLE, free_gb DOUBLE, wired_gb DOUBLE, swap_mb DOUBLE)[]',
  ERRORS: 'VARCHAR[]',
};

export const SHARD_COLUMNS: ReadonlyArray<readonly [string, ColumnKind]> = [
  ['schema_version', 'VARCHAR'],
  ['timestamp', 'TIMESTAMPTZ'],
  ['git_sha', 'VARCHAR'],
  ['trigger', 'VARCHAR'],
  ['pr_number', 'BIGINT'],
  ['suite', 'VARCHAR'],
  ['model', 'VARCHAR'],
  ['model_revision', 'VARCHAR'],
  ['quantization', 'VARCHAR'],
  ['skipped', 'BOOLEAN'],
  ['seed', 'BIGINT'],
  ['gen_max_gen_toks', 'BIGINT'],
  ['gen_temperature', 'DOUBLE'],
  ['gen_top_p', 'DOUBLE'],
  ['gen_top_k', 'BIGINT'],
  ...SYSTEM_FIELDS.map((f) => [`system_${f}`, f === 'memory_gb' ? 'BIGINT' : 'VARCHAR'] as const),
  ['result_index', 'INTEGER'],
  ['name', 'VARCHAR'],
  ['metric', 'VARCHAR'],
  ['value', 'DOUBLE'],
  ['unit', 'VARCHAR'],
  ...RESULT_NUMBER_FIELDS.map((f) => [f, 'DOUBLE'] as const),
  ['tags', 'TAGS'],
  ['raw_json', 'VARCHAR'],
  ['memory_snapshots', 'MEMORY'],
  ['errors', 'ERRORS'],
  ['envelope_hash', 'VARCHAR'],
  ['envelope_json', 'VARCHAR'],
];

export const SHARD_COLUMN_NAMES = SHARD_COLUMNS.map(([name]) => name);

/** Columns that differ between the rows of one shard; every other column repeats the envelope's value. */
export const PER_RESULT_COLUMNS: ReadonlySet<string> = new Set([
  'result_index', 'name', 'metric', 'value', 'unit', ...RESULT_NUMBER_FIELDS, 'tags', 'raw_json',
]);

export type ShardRow = Record<string, unknown>;

/** What a shard is written from: an Envelope, except that publishing with --no-validate checks only the
 * layout (plan.ts layoutProblems), so `system` may be missing. */
export type ShardEnvelope = Omit<Envelope, 'system'> & { system?: Envelope['system'] };

/** Flattens one envelope into shard rows. `envelopeJson` is its canonical JSON and `hash` that JSON's sha256. */
export function envelopeRows(envelope: ShardEnvelope, hash: string, envelopeJson: string): ShardRow[] {
  const system = (envelope.system ?? {}) as Record<string, unknown>;
  const gen = (envelope.gen_kwargs ?? {}) as Record<string, unknown>;
  const base: ShardRow = {
    schema_version: envelope.schema_version,
    // Upper-cased so a valid lower-case "t"/"z" date-time still parses as TIMESTAMPTZ.
    timestamp: typeof envelope.timestamp === 'string' ? envelope.timestamp.toUpperCase() : null,
    git_sha: envelope.git_sha,
    trigger: envelope.trigger,
    pr_number: envelope.pr_number ?? null,
    suite: envelope.suite,
    model: envelope.model,
    model_revision: envelope.model_revision ?? null,
    quantization: envelope.quantization ?? null,
    skipped: envelope.skipped ?? null,
    seed: envelope.seed ?? null,
  };
  for (const f of GEN_FIELDS) base[`gen_${f}`] = gen[f] ?? null;
  for (const f of SYSTEM_FIELDS) base[`system_${f}`] = system[f] ?? null;
  const envelopeTail: ShardRow = {
    memory_snapshots: envelope.memory_snapshots ?? null,
    errors: envelope.errors ?? null,
    envelope_hash: hash,
    envelope_json: envelopeJson,
  };
  const results: Array<EnvelopeResult | undefined> = envelope.results.length > 0 ? envelope.results : [undefined];
  return results.map((result, index) => ({
    ...base,
    ...resultColumns(result, index),
    ...envelopeTail,
  }));
}

function resultColumns(result: EnvelopeResult | undefined, index: number): ShardRow {
  if (!result) {
    const empty: ShardRow = { result_index: null, name: null, metric: null, value: null, unit: null };
    for (const f of RESULT_NUMBER_FIELDS) empty[f] = null;
    return { ...empty, tags: null, raw_json: null };
  }
  const row: ShardRow = {
    result_index: index,
    name: result.name,
    metric: result.metric,
    value: result.value,
    unit: result.unit,
  };
  for (const f of RESULT_NUMBER_FIELDS) row[f] = result[f] ?? null;
  row.tags = result.tags ?? null;
  row.raw_json = result.raw === undefined ? null : JSON.stringify(result.raw);
  return row;
}
