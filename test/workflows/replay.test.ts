// Replays committed histories (test/workflows/histories, made by record-histories.ts) against the
// current workflow code: a change that breaks determinism for running sweeps fails here.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../../workers/bundle.js';

const dir = fileURLToPath(new URL('./histories/', import.meta.url));

describe('workflow replay', () => {
  it('replays every committed history without a nondeterminism error', async () => {
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    expect(files.length).toBeGreaterThanOrEqual(4);
    const histories = await Promise.all(files.map(async (f) => ({ workflowId: decodeURIComponent(f.replace(/\.json$/, '')), history: JSON.parse(await readFile(`${dir}${f}`, 'utf8')) as unknown })));
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
  });
});
