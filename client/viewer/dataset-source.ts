// Where the viewer reads shards from. A local dataset is read in place; a Hugging Face dataset repo is
// mirrored shard by shard into a local cache (shards are immutable and content-named, so a cached file
// never goes stale and only new names are fetched).
import { access, mkdir, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { downloadFile, listFiles } from '@huggingface/hub';
import { datasetRepoName, defaultDatasetDir } from '../../activities/dataset/location.js';
import { InputError } from '../../activities/errors.js';

export interface DatasetChoice {
  datasetDir?: string;
  repoId?: string;
  hubUrl?: string;
  cacheDir?: string;
}

export async function resolveDatasetForReading(choice: DatasetChoice): Promise<string> {
  if (choice.datasetDir && choice.repoId) throw new InputError('give either --dataset-dir or --repo-id, not both');
  if (!choice.repoId) return choice.datasetDir ?? defaultDatasetDir();
  const name = datasetRepoName(choice.repoId);
  const cache = choice.cacheDir ?? join(process.env.NIGHTSHIFT_CACHE_DIR ?? join(homedir(), '.cache', 'nightshift'), 'hub', name);
  await mirrorHubShards(name, cache, choice.hubUrl ?? process.env.HF_ENDPOINT);
  return cache;
}

export async function mirrorHubShards(repoName: string, cacheDir: string, hubUrl?: string): Promise<{ fetched: number; cached: number }> {
  const repo = { type: 'dataset' as const, name: repoName };
  const credentials = process.env.HF_TOKEN ? { accessToken: process.env.HF_TOKEN } : {};
  const dataDir = join(cacheDir, 'data');
  await mkdir(dataDir, { recursive: true });
  let fetched = 0;
  let cached = 0;
  try {
    for await (const entry of listFiles({ repo, path: 'data', hubUrl, ...credentials })) {
      if (entry.type !== 'file' || !entry.path.endsWith('.parquet')) continue;
      const file = join(dataDir, entry.path.slice('data/'.length));
      if (await exists(file)) {
        cached++;
        continue;
      }
      const blob = await downloadFile({ repo, path: entry.path, hubUrl, ...credentials });
      if (!blob) continue;
      const temp = `${file}.part-${process.pid}`;
      await writeFile(temp, Buffer.from(await blob.arrayBuffer()));
      await rename(temp, file);
      fetched++;
    }
  } catch (error) {
    throw new InputError(`cannot read dataset repo ${repoName}: ${(error as Error).message}`);
  }
  return { fetched, cached };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
