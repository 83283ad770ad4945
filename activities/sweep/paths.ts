// Where a worker keeps its own state: journals and suite work directories under the data directory
// ($NIGHTSHIFT_DATA_DIR, else ./.nightshift). Journals are keyed by workflow id + activity id, so a retry
// of the same activity (same ids) finds the samples its earlier attempts finished.
import { join, resolve } from 'node:path';

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.NIGHTSHIFT_DATA_DIR || '.nightshift');
}

/** Workflow ids contain "/" (`<sweep>/<model slug>`); encode them to one safe path segment. */
export function safeSegment(id: string): string {
  return encodeURIComponent(id).replace(/%/g, '~');
}

export function journalPath(root: string, workflowId: string, activityId: string): string {
  return join(root, 'journals', safeSegment(workflowId), `${safeSegment(activityId)}.jsonl`);
}

export function workDirFor(root: string, workflowId: string, activityId: string): string {
  return join(root, 'work', safeSegment(workflowId), safeSegment(activityId));
}
