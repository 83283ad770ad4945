// npm run bench:orchestration — what the orchestration itself costs. Sweeps run on a real Temporal dev
// server with activities that do no work, so every millisecond measured is workflow/child/activity
// scheduling: (1) 3 models × 4 suites → overhead per activity and history events per model; (2) a
// 200-model sweep → the parent's history length and size against Temporal's limits (50k events / 50 MB).
// --write appends the figures to docs/performance.md (section replaced on re-run).
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Context } from '@temporalio/activity';
import { Client, Connection } from '@temporalio/client';
import type { SweepActivities } from '../../activities/sweep/activities.js';
import { startWorkers } from '../../workers/run.js';
import { startDevServer } from '../../client/temporal/dev-server.js';
import { ensureTool } from '../support/tools.js';
import { benchmarkSweep } from '../../workflows/benchmark-sweep.js';

const SUITES = ['throughput', 'ttft', 'tool-calling', 'capability-comparison'];
const noop: Partial<SweepActivities> = {
  loadModel: () => Promise.resolve({ loadSeconds: 0, alreadyLoaded: true, warnings: [] }),
  warmUp: () => Promise.resolve({ warmedUp: false, system: { os: 'bench', chip: 'bench', memory_gb: 1 } }),
  runSuite: (input) => {
    const info = Context.current().info;
    return Promise.resolve({ suite: input.suite, model: input.model, results: [], errors: [], startedAt: new Date(info.scheduledTimestampMs).toISOString(), completed: 0, total: 0, attempt: info.attempt, resumedFrom: 0, journalPath: '' });
  },
  releaseModel: () => Promise.resolve({ unloaded: true }),
  publishSuite: ({ run }) => Promise.resolve({ shard: `${run.model}-${run.suite}`, written: true, envelopeHash: 'noop' }),
};
const ACTIVITIES_PER_MODEL = 3 + 2 * SUITES.length; // load, warm up, release + (suite, publish) per suite

const server = await startDevServer({ temporalPath: ensureTool('temporal'), uiPort: false });
const connection = await Connection.connect({ address: server.address });
const client = new Client({ connection });
const target = { address: server.address, namespace: 'default', connectionOptions: { address: server.address } };
const workers = await startWorkers({ target, hostQueue: 'bench-host', activities: noop });

async function sweep(id: string, models: number) {
  const names = Array.from({ length: models }, (_, i) => `bench-model-${i + 1}`);
  const started = performance.now();
  const handle = await client.workflow.start(benchmarkSweep, { taskQueue: 'nightshift', workflowId: id, args: [{ models: names, suites: SUITES, endpoint: 'http://127.0.0.1:9' }] });
  await handle.result();
  const wallMs = performance.now() - started;
  const parent = await handle.fetchHistory();
  const child = await client.workflow.getHandle(`${id}/${names[0]}`).fetchHistory();
  return { wallMs, parentEvents: parent.events?.length ?? 0, parentBytes: JSON.stringify(parent).length, childEvents: child.events?.length ?? 0, activities: models * ACTIVITIES_PER_MODEL };
}

const loadBefore = loadavg()[0] ?? 0;
try {
  await sweep('bench-warmup', 1); // bundle/caches warm, not measured
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await sweep(`bench-3x4-${i}`, 3));
  const perActivity = runs.map((r) => r.wallMs / r.activities).sort((a, b) => a - b);
  const small = runs[1]!;
  const big = await sweep('bench-200', 200);
  const lines = [
    `## Orchestration overhead (npm run bench:orchestration)`,
    ``,
    `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), ${Math.round(totalmem() / 2 ** 30)} GiB, ${osType()} ${release()}, Node ${process.version}, Temporal CLI dev server (SQLite in memory), worker in the same process. Activities do no work, so the time is scheduling alone.`,
    ``,
    `| measure | value | goal |`,
    `|---|---|---|`,
    `| 3 models × 4 suites: wall time (median of 3) | ${(small.wallMs / 1000).toFixed(2)} s for ${small.activities} activities | |`,
    `| overhead per activity (min / median / max of 3 runs) | ${perActivity.map((v) => v.toFixed(1)).join(' / ')} ms | ≤ 50 ms |`,
    `| history events per model (modelBenchmark child) | ${small.childEvents} | ≤ 100 |`,
    `| parent (benchmarkSweep) events, 3 models | ${small.parentEvents} | |`,
    `| 200 models × 4 suites: wall time | ${(big.wallMs / 1000).toFixed(1)} s (${(big.wallMs / big.activities).toFixed(1)} ms per activity) | |`,
    `| 200 models: parent events / history size | ${big.parentEvents} events / ${(big.parentBytes / 1024).toFixed(0)} KiB | limits 51 200 events / 50 MB |`,
    ``,
    `Goals: ${perActivity[1]! <= 50 ? 'met' : 'NOT met'} for overhead per activity (${perActivity[1]!.toFixed(1)} ms median vs ≤ 50 ms), ${small.childEvents <= 100 ? 'met' : 'NOT met'} for events per model (${small.childEvents} vs ≤ 100). Machine load average (1 min) ${loadBefore.toFixed(2)} before and ${(loadavg()[0] ?? 0).toFixed(2)} after the run on 2 cores. Each sequential activity costs several server round trips (schedule, dispatch, complete, next workflow task).`,
    ``,
    `Per model the parent adds about ${((big.parentEvents - small.parentEvents) / 197).toFixed(1)} events (child start, completion, workflow tasks), so one sweep could hold ~${Math.floor(51_200 / ((big.parentEvents - small.parentEvents) / 197)).toLocaleString('en-US')} models before the event limit; each model's own history is a separate child, which is why no continue-as-new is needed.`,
    ``,
  ];
  const text = lines.join('\n');
  process.stdout.write(`${text}\n`);
  if (process.argv.includes('--write')) {
    const file = fileURLToPath(new URL('../../docs/performance.md', import.meta.url));
    const current = await readFile(file, 'utf8').catch(() => '# Performance\n\n');
    const start = current.indexOf('## Orchestration overhead');
    let next = start < 0 ? -1 : current.indexOf('\n## ', start + 5);
    if (next < 0) next = current.length;
    const updated = start < 0 ? `${current.trimEnd()}\n\n${text}` : `${current.slice(0, start)}${text}${current.slice(next + 1)}`;
    await writeFile(file, updated.endsWith('\n') ? updated : `${updated}\n`);
    process.stderr.write(`wrote ${file}\n`);
  }
} finally {
  await workers.shutdown();
  await connection.close();
  await server.stop();
}
