// Everything about a shard that can be known without writing it: the checked envelope, its canonical
// JSON and hash, its rows and its path in the dataset. --dry-run prints this; the targets write it.
import type { Envelope } from '../../workflows/shared/envelope.js';
import { formatIssues, validateEnvelope } from '../envelope/validate.js';
import { SchemaError } from '../errors.js';
import { canonicalJson, sha256Hex } from './canonical.js';
import { envelopeRows, type ShardRow } from './columns.js';
import { shardPath } from './shard-name.js';

export interface ShardPlan {
  envelope: Envelope;
  /** Canonical JSON of the envelope, stored in every row as envelope_json. */
  json: string;
  /** sha256 of `json`; its first 8 hex digits end the file name. */
  hash: string;
  /** Path inside the dataset, e.g. `data/run-20260424T183000Z-aaa3ff3-reasoning-org--model-1a2b3c4d.parquet`. */
  path: string;
  rows: ShardRow[];
}

export interface PlanOptions {
  /** false skips schema.json (--no-validate); the fields the shard layout itself needs are still checked. */
  validate?: boolean;
}

export function planShard(candidate: unknown, options: PlanOptions = {}): ShardPlan {
  let envelope: Envelope;
  if (options.validate === false) {
    const problems = layoutProblems(candidate);
    if (problems.length > 0) {
      throw new SchemaError(
        `envelope cannot be written as a shard even without validation: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        problems,
      );
    }
    envelope = candidate as Envelope;
  } else {
    const result = validateEnvelope(candidate);
    if (!result.valid) {
      throw new SchemaError(`envelope is invalid (${result.issues.length} problem${result.issues.length > 1 ? 's' : ''}):\n  ${formatIssues(result.issues).join('\n  ')}`, result.issues);
    }
    envelope = result.envelope;
  }
  const json = canonicalJson(envelope);
  const hash = sha256Hex(json);
  const path = shardPath({ timestamp: envelope.timestamp, gitSha: envelope.git_sha, suite: envelope.suite, model: envelope.model, hash });
  return { envelope, json, hash, path, rows: envelopeRows(envelope, hash, json) };
}

interface LayoutProblem {
  path: string;
  rule: string;
  message: string;
}

/**
 * What the fixed column set and the file name cannot do without, checked even under --no-validate: the
 * name parts (timestamp, git_sha, suite, model), a results array of objects, and objects where the
 * layout flattens (system, gen_kwargs). Everything else lands in typed columns best-effort (a value of
 * the wrong type becomes null there) and exactly in envelope_json.
 */
export function layoutProblems(candidate: unknown): LayoutProblem[] {
  const problems: LayoutProblem[] = [];
  if (candidate === null || typeof candidate !== 'object' || Array.isArray(candidate)) {
    return [{ path: '$', rule: 'type', message: 'expected an object' }];
  }
  const e = candidate as Record<string, unknown>;
  const needString = (key: string, test: (s: string) => boolean, expected: string) => {
    const v = e[key];
    if (typeof v !== 'string' || !test(v)) problems.push({ path: `$.${key}`, rule: 'layout', message: `expected ${expected}, got ${(JSON.stringify(v) as string | undefined) ?? 'nothing'}` });
  };
  needString('timestamp', (s) => !Number.isNaN(Date.parse(s.toUpperCase())), 'an ISO 8601 date-time');
  needString('git_sha', (s) => /^[0-9a-fA-F]{7,64}$/.test(s), '7 to 64 hex digits');
  needString('suite', (s) => s.length > 0, 'a non-empty string');
  needString('model', (s) => s.length > 0, 'a non-empty string');
  if (!Array.isArray(e.results) || e.results.some((r) => r === null || typeof r !== 'object' || Array.isArray(r))) {
    problems.push({ path: '$.results', rule: 'layout', message: 'expected an array of result objects' });
  }
  for (const key of ['system', 'gen_kwargs']) {
    const v = e[key];
    if (v !== undefined && (v === null || typeof v !== 'object' || Array.isArray(v))) {
      problems.push({ path: `$.${key}`, rule: 'layout', message: 'expected an object' });
    }
  }
  return problems;
}
