// Local dataset directory target. Shards are immutable: a shard is written to a temporary file in the
// same directory, flushed, then hard-linked to its final name. link() fails when the name already exists,
// so of two concurrent publishes of one envelope exactly one creates the file and the other reports
// "unchanged"; a reader never sees a half-written shard.
import { randomBytes } from 'node:crypto';
import { access, link, open, rename, unlink } from 'node:fs/promises';
import { ensureOutputDirectory } from '../files/output-path.js';
import { dirname, join } from 'node:path';
import { errorMessage, PublishError } from '../errors.js';
import { writeParquet } from './parquet.js';
import type { ShardPlan } from './plan.js';

export interface LocalOutcome {
  status: 'written' | 'unchanged';
  /** Absolute path of the shard file. */
  file: string;
}

export interface DirectoryWriteOptions {
  /** false leaves the flush of the data directory to the caller (publishEnvelopes flushes it once per
   * batch instead of once per shard). Default true. */
  syncDirectory?: boolean;
}

export async function publishToDirectory(plan: ShardPlan, datasetDir: string, options: DirectoryWriteOptions = {}): Promise<LocalOutcome> {
  const file = join(datasetDir, ...plan.path.split('/'));
  if (await exists(file)) return { status: 'unchanged', file };
  const dir = dirname(file);
  try {
    await ensureOutputDirectory(dir, 'dataset directory', PublishError);
  } catch (error) {
    throw new PublishError(`${reason(error)}; choose another with --dataset-dir or NIGHTSHIFT_DATASET_DIR`, { cause: error });
  }
  // Leading dot and no .parquet suffix: readers globbing data/*.parquet never pick up a temporary file.
  const temp = join(dir, `.${plan.hash.slice(0, 16)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeParquet(plan.rows, temp);
    await flush(temp);
    const status = await placeOnce(temp, file);
    if (options.syncDirectory !== false) await flushDirectory(dir);
    return { status, file };
  } catch (error) {
    if (error instanceof PublishError) throw error;
    throw new PublishError(`could not write shard ${file}: ${reason(error)}`, { cause: error });
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function placeOnce(temp: string, file: string): Promise<'written' | 'unchanged'> {
  try {
    await link(temp, file);
    return 'written';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return 'unchanged';
    // Filesystems without hard links (some network and FAT mounts): rename is still atomic; a
    // simultaneous identical publish then replaces the file with identical content.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
      if (await exists(file)) return 'unchanged';
      await rename(temp, file);
      return 'written';
    }
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function flush(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function flushDirectory(dir: string): Promise<void> {
  // The new directory entry survives a crash only once the directory itself is flushed; not every
  // platform allows opening a directory for fsync, and the shard is complete either way.
  const handle = await open(dir, 'r').catch(() => undefined);
  if (!handle) return;
  await handle.sync().catch(() => undefined);
  await handle.close();
}

function reason(error: unknown): string {
  // Anything may be thrown (even null): read `code` only from an object.
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return typeof code === 'string' && code !== '' ? `${code}: ${errorMessage(error)}` : errorMessage(error);
}
