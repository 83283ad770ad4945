// Builds a small dataset through the real publisher: three models, two suites, four nights each, plus
// optionally a damaged shard and a shard with another column layout (as the seed project wrote them).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Envelope } from '../../activities/envelope/types.js';
import { publishEnvelope } from '../../activities/publish/publish.js';

export const SAMPLE_MODELS = ['sim-qwen-9b-4bit', 'sim-qwen-9b-8bit', 'sim-llama-8b-q4'] as const;

export function sampleEnvelope(model: string, night: number, suite: 'throughput' | 'reasoning'): Envelope {
  const speed = model.includes('8bit') ? 40 : model.includes('llama') ? 55 : 70;
  const timestamp = new Date(Date.UTC(2026, 10, 1 + night, 23, 0, 0)).toISOString().replace('.000Z', 'Z');
  const base = {
    schema_version: '1' as const,
    timestamp,
    git_sha: 'abcdef1',
    trigger: 'schedule' as const,
    model,
    quantization: model.split('-').pop(),
    system: { os: 'macOS 15.3.2', chip: 'Apple M4 Max', memory_gb: 128 },
    errors: [],
  };
  if (suite === 'throughput') {
    return {
      ...base,
      suite,
      gen_kwargs: { max_gen_toks: 256, temperature: 0 },
      memory_snapshots: [{ phase: 'after', rss_gb: 6.5, free_gb: 90 }],
      results: [
        { name: 'decode_tok_per_sec_p512_c1', metric: 'throughput', value: speed + night, unit: 'tok/s', decode_tokens_per_second: speed + night, tags: { workflow_id: `nightly-${night}`, workflow_run_id: 'run-1' } },
        { name: 'ttft_ms_p512_c1', metric: 'latency', value: Math.max(20, 300 - night * 10 + speed), unit: 'ms', first_token_latency_ms: Math.max(20, 300 - night * 10 + speed) },
      ],
    };
  }
  return {
    ...base,
    suite,
    results: [{ name: 'gsm8k_cot_zeroshot', metric: 'exact_match_flexible', value: speed / 100 + night / 100, unit: 'ratio', tags: { n_limit: '10' } }],
  };
}

export async function writeSampleDataset(dir: string, options: { damaged?: boolean; foreign?: boolean } = {}): Promise<Envelope[]> {
  const envelopes: Envelope[] = [];
  for (let night = 0; night < 4; night++) {
    for (const model of SAMPLE_MODELS) {
      for (const suite of ['throughput', 'reasoning'] as const) {
        const envelope = sampleEnvelope(model, night, suite);
        await publishEnvelope(envelope, { datasetDir: dir });
        envelopes.push(envelope);
      }
    }
  }
  await mkdir(join(dir, 'data'), { recursive: true });
  if (options.damaged) await writeFile(join(dir, 'data', 'run-20261101T000000Z-abcdef1-ttft-broken-00000000.parquet'), 'PAR1 this is not parquet');
  if (options.foreign) {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const file = join(dir, 'data', 'run-20261001T000000Z-abcdef1-throughput-seed-11111111.parquet').replace(/'/g, "''");
    await connection.run(`COPY (SELECT 'seed-model' AS model, 42.0 AS value, 'tok_per_sec_512' AS name) TO '${file}' (FORMAT parquet)`);
    connection.closeSync();
  }
  return envelopes;
}
