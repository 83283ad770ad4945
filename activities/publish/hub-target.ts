// Hugging Face dataset repo target, through @huggingface/hub. The repo holds the same layout as a local
// dataset (data/*.parquet). The token comes only from HF_TOKEN and is handed to the library, never logged,
// printed or written anywhere; error messages carry the status and URL, not the request headers.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commit, HubApiError, pathsInfo } from '@huggingface/hub';
import { errorMessage, PublishError } from '../errors.js';
import { datasetRepoName } from '../dataset/location.js';
import { writeParquet } from './parquet.js';
import type { ShardPlan } from './plan.js';
import { DEFAULT_RETRY, withRetry, type RetryOptions } from './retry.js';

export interface HubTarget {
  /** `owner/name` (or `datasets/owner/name`). */
  repoId: string;
  /** Hub base URL; default $HF_ENDPOINT, else https://huggingface.co. */
  hubUrl?: string;
  branch?: string;
  retry?: RetryOptions;
}

export interface HubOutcome {
  status: 'written' | 'unchanged';
  /** URL of the shard in the repo. */
  file: string;
  commitUrl?: string;
}

export function hubBaseUrl(hubUrl?: string, env: NodeJS.ProcessEnv = process.env): string {
  return (hubUrl || env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, '');
}

export async function publishToHub(plan: ShardPlan, target: HubTarget, env: NodeJS.ProcessEnv = process.env): Promise<HubOutcome> {
  const name = datasetRepoName(target.repoId);
  const hubUrl = hubBaseUrl(target.hubUrl, env);
  const branch = target.branch ?? 'main';
  const accessToken = env.HF_TOKEN;
  if (!accessToken) throw new PublishError(`publishing to dataset ${name} needs a Hugging Face token with write access in HF_TOKEN`);
  if (!accessToken.startsWith('hf_')) throw new PublishError('HF_TOKEN does not look like a Hugging Face token (it must start with "hf_")');
  const repo = { type: 'dataset' as const, name };
  const file = `${hubUrl}/datasets/${name}/blob/${encodeURIComponent(branch)}/${plan.path}`;
  const retry = target.retry ?? DEFAULT_RETRY;
  const call = <T>(what: string, work: () => Promise<T>) =>
    withRetry(work, isTransient, retry).catch((error: unknown) => {
      throw describeFailure(error, what, name);
    });

  const present = await call('check for the shard', () => pathsInfo({ repo, paths: [plan.path], hubUrl, accessToken, revision: branch }));
  if (present.some((p) => p.path === plan.path)) return { status: 'unchanged', file };

  const dir = await mkdtemp(join(tmpdir(), 'nightshift-shard-'));
  try {
    const local = join(dir, 'shard.parquet');
    await writeParquet(plan.rows, local);
    const content = new Blob([await readFile(local)]);
    const output = await call('commit the shard', () =>
      commit({
        repo,
        hubUrl,
        accessToken,
        branch,
        title: `Add ${plan.path}`,
        operations: [{ operation: 'addOrUpdate', path: plan.path, content }],
      }),
    );
    return { status: 'written', file, commitUrl: output?.commit.url };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function isTransient(error: unknown): boolean {
  if (error instanceof HubApiError) return error.statusCode === 429 || error.statusCode >= 500;
  // fetch() rejects with a TypeError when the connection drops or is refused.
  return error instanceof TypeError && /fetch failed|ECONNRESET|socket/i.test(`${error.message} ${String(error.cause)}`);
}

function describeFailure(error: unknown, what: string, repo: string): PublishError {
  if (error instanceof HubApiError) {
    if (error.statusCode === 401) {
      return new PublishError(`Hugging Face rejected HF_TOKEN (HTTP 401) when trying to ${what} in dataset ${repo}: the token is missing, expired or revoked`, { cause: error });
    }
    if (error.statusCode === 403) {
      return new PublishError(`HF_TOKEN may not write to dataset ${repo} (HTTP 403) when trying to ${what}: use a token with write access to that repo`, { cause: error });
    }
    if (error.statusCode === 404) {
      return new PublishError(`dataset ${repo} was not found on the hub (HTTP 404) when trying to ${what}; create it first or check --repo-id`, { cause: error });
    }
    return new PublishError(`could not ${what} in dataset ${repo}: HTTP ${error.statusCode}: ${error.message}`, { cause: error });
  }
  return new PublishError(`could not ${what} in dataset ${repo}: ${errorMessage(error)}`, { cause: error });
}
