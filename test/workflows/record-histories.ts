// Records histories for replay.test.ts, one generation per workflow change that changes histories:
//   npx tsx test/workflows/record-histories.ts <generation>     (e.g. v2 → v2-basic.json, v2-skip.json, …)
// Earlier generations stay committed: sweeps started by an older build must still replay on the current
// one (the change is versioned with patched()).
// Run it only when a workflow change is meant to change histories (and then version the change with
// patched() if running sweeps must survive it). Activities are doubles: the histories are about the
// workflows' commands, not what the activities did.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { SweepActivities } from '../../activities/sweep/activities.js';
import { startWorkers } from '../../workers/run.js';
import { skipModelSignal } from '../../workflows/definitions.js';
import { ensureTool } from '../support/tools.js';
import { startHarness } from './harness.js';
import { benchmarkSweep } from '../../workflows/benchmark-sweep.js';

const out = fileURLToPath(new URL('./histories/', import.meta.url));

const doubles: Partial<SweepActivities> = {
  loadModel: () => Promise.resolve({ loadSeconds: 0, alreadyLoaded: true, warnings: [] }),
  warmUp: () => Promise.resolve({ warmedUp: true, system: { os: 'test', chip: 'test', memory_gb: 1 } }),
  runSuite: async (input) => {
    if (input.model === 'm-fail' && input.suite === 'ttft') throw ApplicationFailure.nonRetryable('simulated failure', 'InputError');
    if (input.model === 'm-slow') await new Promise((r) => setTimeout(r, 1500));
    const info = Context.current().info;
    return { suite: input.suite, model: input.model, results: [{ name: 'x', metric: 'score', value: 1, unit: 'ratio' }], errors: [], startedAt: new Date(info.scheduledTimestampMs).toISOString(), completed: 1, total: 1, attempt: info.attempt, resumedFrom: 0, journalPath: '' };
  },
  releaseModel: () => Promise.resolve({ unloaded: true }),
  publishSuite: ({ run }) => Promise.resolve({ shard: `/d/${run.model}-${run.suite}.parquet`, written: true, envelopeHash: 'h' }),
};

const h = await startHarness();
const workers = await startWorkers({ target: h.target, hostQueue: 'record-host', activities: doubles });
const temporal = ensureTool('temporal');
// File name = the workflow id (URI-encoded): replay must use the id the history was recorded under.
const save = async (workflowId: string) => {
  const { stdout } = await promisify(execFile)(temporal, ['workflow', 'show', '--address', h.server.address, '--workflow-id', workflowId, '--output', 'json'], { maxBuffer: 64 << 20 });
  await writeFile(`${out}${encodeURIComponent(workflowId)}.json`, stdout);
};
const gen = process.argv[2] ?? 'replay';
try {
  const a = await h.client.workflow.start(benchmarkSweep, { taskQueue: 'nightshift', workflowId: `${gen}-basic`, args: [{ models: ['m-ok', 'm-fail'], suites: ['throughput', 'ttft'], endpoint: 'http://127.0.0.1:9' }] });
  await a.result().catch(() => undefined); // ends Failed: a pair failed
  await save(`${gen}-basic`);
  await save(`${gen}-basic/m-fail`);

  const b = await h.client.workflow.start(benchmarkSweep, { taskQueue: 'nightshift', workflowId: `${gen}-skip`, args: [{ models: ['m-slow', 'm-skipped'], suites: ['ttft'], endpoint: 'http://127.0.0.1:9' }] });
  await b.signal(skipModelSignal, { model: 'm-skipped', reason: 'recorded skip' });
  await b.result();
  await save(`${gen}-skip`);

  const c = await h.client.workflow.start(benchmarkSweep, { taskQueue: 'nightshift', workflowId: `${gen}-invalid`, args: [{ models: [], suites: ['nope'], endpoint: 'x' }] });
  await c.result().catch(() => undefined);
  await save(`${gen}-invalid`);
} finally {
  await workers.shutdown();
  await h.close();
}
