// Where the dataset lives when the caller names nothing: $NIGHTSHIFT_DATASET_DIR, else ./dataset under
// the current directory (the same layout a Hugging Face dataset repo has: data/*.parquet).
import { resolve } from 'node:path';
import { InputError } from '../errors.js';

export function defaultDatasetDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.NIGHTSHIFT_DATASET_DIR || 'dataset');
}

/** Accepts `owner/name` or `datasets/owner/name` and returns `owner/name`. */
export function datasetRepoName(repoId: string): string {
  const name = repoId.replace(/^datasets\//, '');
  if (!/^[A-Za-z0-9][\w.-]*\/[\w.-]+$/.test(name)) {
    throw new InputError(`--repo-id ${JSON.stringify(repoId)} is not a dataset repo id; expected OWNER/NAME`);
  }
  return name;
}
