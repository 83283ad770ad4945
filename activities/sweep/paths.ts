// Where a worker keeps its own state: journals and suite work directories under the data directory
// ($NIGHTSHIFT_DATA_DIR, else ./.nightshift). Both are bound to one workflow RUN: a retry of the same
// activity (same workflow id, run id and activity id) finds the samples its earlier attempts finished,
// while a new run that reuses a workflow id starts with nothing of the old run's.
import { join, resolve } from 'node:path';
import { shortHash } from '../../workflows/shared/slug.js';

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.NIGHTSHIFT_DATA_DIR || '.nightshift');
}

/**
 * One safe path segment for an id (workflow ids contain "/"). Unique under case folding: on a
 * case-insensitive filesystem (the macOS default) "sim-A" and "sim-a" would otherwise share a folder, so
 * an id with capitals gets a hash of its exact spelling.
 */
export function safeSegment(id: string): string {
  const encoded = encodeURIComponent(id).replace(/%/g, '~');
  return /[A-Z]/.test(id) ? `${encoded.toLowerCase()}.${shortHash(id)}` : encoded;
}

/** Identifies one activity of one workflow run. */
export interface ActivityRun {
  workflowId: string;
  runId: string;
  activityId: string;
}

export function journalPath(root: string, run: ActivityRun): string {
  return join(root, 'journals', safeSegment(run.workflowId), safeSegment(run.runId), `${safeSegment(run.activityId)}.jsonl`);
}

export function workDirFor(root: string, run: ActivityRun): string {
  return join(root, 'work', safeSegment(run.workflowId), safeSegment(run.runId), safeSegment(run.activityId));
}
