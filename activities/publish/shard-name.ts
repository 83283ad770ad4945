// Shard file names: data/run-<timestamp>-<git_sha>-<suite>-<model_slug>-<hash8>.parquet. Every part comes
// from the envelope, so a re-run of the same envelope lands on the same name (that is how re-publishing
// is detected), and the hash keeps two different envelopes apart even when everything else matches.
import { modelSlug } from '../../workflows/shared/slug.js';
import { InputError } from '../errors.js';

export const SHARD_DIR = 'data';

export interface ShardNameParts {
  timestamp: string;
  gitSha: string;
  suite: string;
  model: string;
  hash: string;
}

/** `20260424T183000Z`: UTC, no separators that are awkward in file names (":" breaks on Windows/macOS). */
export function compactTimestamp(timestamp: string): string {
  const ms = Date.parse(timestamp.toUpperCase());
  if (Number.isNaN(ms)) throw new InputError(`timestamp ${JSON.stringify(timestamp)} is not an ISO 8601 date-time`);
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

export function shardFileName(parts: ShardNameParts): string {
  // suite and git_sha are schema-constrained for valid envelopes; they go through the slug anyway so an
  // unvalidated envelope (--no-validate) can never put "/" or ".." into the path.
  const sha = modelSlug(parts.gitSha.toLowerCase());
  const suite = modelSlug(parts.suite);
  return `run-${compactTimestamp(parts.timestamp)}-${sha}-${suite}-${modelSlug(parts.model)}-${parts.hash.slice(0, 8)}.parquet`;
}

/** Path of a shard inside the dataset (always with forward slashes: the same path locally and on the hub). */
export function shardPath(parts: ShardNameParts): string {
  return `${SHARD_DIR}/${shardFileName(parts)}`;
}
