// Builds small datasets through the real publisher. The sample: three models, two suites, four nights
// each, plus optionally a damaged shard and a shard with another column layout (as the seed project wrote
// them). The rule dataset: the cases on which the old leaderboard rules disagreed.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Envelope } from '../../workflows/shared/envelope.js';
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
        { name: 'decode_tok_per_sec_p512_c1', metric: 'throughput', value: speed + night, unit: 'tok/s', decode_tokens_per_second: speed + night, tags: { workflow_id: `nightly-${night}`, workflow_run_id: 'run-1', better: 'higher' } },
        { name: 'ttft_ms_p512_c1', metric: 'latency', value: Math.max(20, 300 - night * 10 + speed), unit: 'ms', first_token_latency_ms: Math.max(20, 300 - night * 10 + speed), tags: { better: 'lower' } },
      ],
    };
  }
  return {
    ...base,
    suite,
    // No `better` tag: stands for an older shard, whose direction the readers guess.
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

export const RULE_CHIPS = ['Apple M2 Ultra', 'Apple M4 Max'] as const;

/** One leaderboard answer, in the fields every reader returns. */
export interface RuleAnswer {
  suite: string;
  name: string;
  metric: string;
  model: string;
  chip: string;
  value: number;
  envelope_hash: string;
  better: 'higher' | 'lower';
  better_source: 'tag' | 'guessed';
}

/**
 * The cases the old rules disagreed on: sim-a's decode speed measured on two chips (one query grouped
 * without the chip), two M2 runs at the same instant (one query broke the tie by hash descending, one
 * ascending, the static page by file order), an older M2 run in another quantization (the filter must
 * not resurrect it), and a perplexity whose `better: lower` tag contradicts the guess from its unit.
 * Returns the answers the one rule gives, in its order (suite, name, metric, model, chip).
 */
export async function writeRuleDataset(dir: string): Promise<RuleAnswer[]> {
  const decode = (chip: string, timestamp: string, gitSha: string, value: number, quantization = '4bit'): Envelope => ({
    schema_version: '1', timestamp, git_sha: gitSha, trigger: 'schedule', suite: 'throughput', model: 'sim-a', quantization,
    system: { os: 'macOS 15.3.2', chip, memory_gb: 128 },
    results: [{ name: 'decode_tok_per_sec', metric: 'throughput', value, unit: 'tok/s' }],
  });
  const perplexity = (model: string, value: number): Envelope => ({
    schema_version: '1', timestamp: '2026-11-03T23:00:00Z', git_sha: 'abcdef1', trigger: 'schedule', suite: 'reasoning', model, quantization: '4bit',
    system: { os: 'macOS 15.3.2', chip: RULE_CHIPS[1], memory_gb: 128 },
    results: [{ name: 'wikitext_word_perplexity', metric: 'word_perplexity', value, unit: 'score', tags: { better: 'lower' } }],
  });
  const hash = async (e: Envelope) => (await publishEnvelope(e, { datasetDir: dir })).hash;
  await hash(decode(RULE_CHIPS[0], '2026-11-01T23:00:00Z', 'aaaaaaa', 50, '8bit'));
  const tied = [await hash(decode(RULE_CHIPS[0], '2026-11-02T23:00:00Z', 'aaaaaaa', 52)), await hash(decode(RULE_CHIPS[0], '2026-11-02T23:00:00Z', 'bbbbbbb', 54))];
  const m4 = await hash(decode(RULE_CHIPS[1], '2026-11-03T23:00:00Z', 'aaaaaaa', 80));
  const pa = await hash(perplexity('sim-a', 5.2));
  const pb = await hash(perplexity('sim-b', 9.1));
  const winner = tied[0]! < tied[1]! ? 0 : 1;
  const ppl = { suite: 'reasoning', name: 'wikitext_word_perplexity', metric: 'word_perplexity', chip: RULE_CHIPS[1], better: 'lower', better_source: 'tag' } as const;
  const dec = { suite: 'throughput', name: 'decode_tok_per_sec', metric: 'throughput', model: 'sim-a', better: 'higher', better_source: 'guessed' } as const;
  return [
    { ...ppl, model: 'sim-a', value: 5.2, envelope_hash: pa },
    { ...ppl, model: 'sim-b', value: 9.1, envelope_hash: pb },
    { ...dec, chip: RULE_CHIPS[0], value: [52, 54][winner]!, envelope_hash: tied[winner]! },
    { ...dec, chip: RULE_CHIPS[1], value: 80, envelope_hash: m4 },
  ];
}

/** The fields of `RuleAnswer` from any reader's row. */
export function ruleAnswer(row: object): RuleAnswer {
  const keys = ['suite', 'name', 'metric', 'model', 'chip', 'value', 'envelope_hash', 'better', 'better_source'] as const;
  return Object.fromEntries(keys.map((k) => [k, (row as Record<string, unknown>)[k]])) as unknown as RuleAnswer;
}
