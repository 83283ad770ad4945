// publishEnvelope: the one call that turns an envelope into a shard in a dataset (local directory by
// default, or a Hugging Face dataset repo). The CLI's `publish` command and the Temporal publish activity
// both call it. Idempotent: the shard name carries the envelope's hash, so publishing the same envelope
// again finds its own shard and writes nothing.
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { defaultDatasetDir } from '../dataset/location.js';
import { flushDirectory, publishToDirectory } from './local-target.js';
import { SHARD_DIR } from './shard-name.js';
import { publishToHub, type HubTarget } from './hub-target.js';
import { planShard } from './plan.js';
import type { RetryOptions } from './retry.js';

export interface PublishOptions {
  /** Local dataset directory; default $NIGHTSHIFT_DATASET_DIR or ./dataset. Exclusive with repoId. */
  datasetDir?: string;
  /** Hugging Face dataset repo (`owner/name`); the token comes from HF_TOKEN. */
  repoId?: string;
  hubUrl?: string;
  /** Validate and plan only; nothing is written. */
  dryRun?: boolean;
  /** false skips schema validation (the layout's own needs are still checked). Default true. */
  validate?: boolean;
  /** Hub retry policy (tests shorten it). */
  retry?: RetryOptions;
  /** Local target: false skips the per-shard directory flush (publishEnvelopes flushes once at the end). */
  syncDirectory?: boolean;
}

export interface PublishOutcome {
  status: 'written' | 'unchanged' | 'planned';
  target: 'local' | 'hub';
  /** Path inside the dataset: `data/run-...parquet`. */
  path: string;
  /** Where the shard is: absolute file path, or its URL in the hub repo. */
  location: string;
  rows: number;
  /** sha256 of the canonical envelope (the shard's envelope_hash). */
  hash: string;
}

export async function publishEnvelope(envelope: unknown, options: PublishOptions = {}): Promise<PublishOutcome> {
  if (options.datasetDir && options.repoId) {
    throw new InputError('give either --dataset-dir or --repo-id, not both');
  }
  const plan = planShard(envelope, { validate: options.validate });
  const base = { path: plan.path, rows: plan.rows.length, hash: plan.hash };
  if (options.repoId) {
    const target: HubTarget = { repoId: options.repoId, hubUrl: options.hubUrl, retry: options.retry };
    if (options.dryRun) return { ...base, status: 'planned', target: 'hub', location: `${options.repoId}:${plan.path}` };
    const outcome = await publishToHub(plan, target);
    return { ...base, status: outcome.status, target: 'hub', location: outcome.file };
  }
  const datasetDir = options.datasetDir ? resolve(options.datasetDir) : defaultDatasetDir();
  if (options.dryRun) return { ...base, status: 'planned', target: 'local', location: `${datasetDir}/${plan.path}` };
  const outcome = await publishToDirectory(plan, datasetDir, { syncDirectory: options.syncDirectory });
  return { ...base, status: outcome.status, target: 'local', location: outcome.file };
}

/**
 * Publishes many envelopes (backfills, imports of old results) with up to `concurrency` shard writes in
 * flight: the file and directory flushes of one shard overlap the DuckDB work of the next. Outcomes come
 * back in input order; the first failure rejects (shards already written stay: each is complete and
 * immutable, and re-running the batch skips them).
 */
export async function publishEnvelopes(envelopes: readonly unknown[], options: PublishOptions = {}, concurrency = 4): Promise<PublishOutcome[]> {
  const outcomes = new Array<PublishOutcome>(envelopes.length);
  let next = 0;
  const worker = async () => {
    while (next < envelopes.length) {
      const i = next++;
      outcomes[i] = await publishEnvelope(envelopes[i], { ...options, syncDirectory: false });
    }
  };
  const local = !options.repoId && !options.dryRun;
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, envelopes.length)) }, worker));
  } finally {
    // One flush of the data directory makes every new shard name in it durable.
    if (local) await flushDirectory(join(options.datasetDir ? resolve(options.datasetDir) : defaultDatasetDir(), SHARD_DIR));
  }
  return outcomes;
}
