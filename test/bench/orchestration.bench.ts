// npm run bench:orchestration — what the orchestration itself costs. Sweeps run on a real Temporal dev
// server with activities that do no work, so every millisecond measured is workflow/child/activity
// scheduling: (1) 3 models × 4 suites → overhead per activity and history events per model; (2) a
// 200-model sweep → the sweep's history per run (it continues as new every 100 models) against Temporal's
// limits (50k events / 50 MB); (3) a fleet of 3 hosts × 50 models → hosts in parallel, per-host and
// fleet events. --write puts the figures into docs/performance.md (its marked section replaced).
import { loadavg } from 'node:os';
import { Context } from '@temporalio/activity';
import { Client, Connection } from '@temporalio/client';
import type { SweepActivities } from '../../activities/sweep/activities.js';
import { startWorkers, type RunningWorkers } from '../../workers/run.js';
import { startDevServer } from '../../client/temporal/dev-server.js';
import { ensureTool } from '../support/tools.js';
import { benchmarkSweep } from '../../workflows/benchmark-sweep.js';
import { machineLine, writeSection } from './report.js';

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
const workers: RunningWorkers[] = [await startWorkers({ target, hostQueue: 'bench-host', activities: noop })];
// Two more host workers for the fleet, host-only (the first worker orchestrates).
for (const queue of ['bench-host-b', 'bench-host-c']) workers.push(await startWorkers({ target, hostQueue: queue, orchestration: false, activities: noop }));

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

/** A fleet of three hosts (the three workers' queues), `models` models each. */
async function fleet(id: string, models: number) {
  const names = Array.from({ length: models }, (_, i) => `bench-model-${i + 1}`);
  const hosts = ['bench-host', 'bench-host-b', 'bench-host-c'].map((q, i) => ({ name: `h${i + 1}`, hostQueue: q, endpoint: 'http://127.0.0.1:9' }));
  const started = performance.now();
  const handle = await client.workflow.start(benchmarkSweep, { taskQueue: 'nightshift', workflowId: id, args: [{ hosts, models: names, suites: SUITES }] });
  await handle.result();
  const wallMs = performance.now() - started;
  const parent = await handle.fetchHistory();
  const host = await client.workflow.getHandle(`${id}/h1`).fetchHistory();
  return { wallMs, fleetEvents: parent.events?.length ?? 0, hostEvents: host.events?.length ?? 0, activities: hosts.length * models * ACTIVITIES_PER_MODEL };
}

const loadBefore = loadavg()[0] ?? 0;
try {
  await sweep('bench-warmup', 1); // bundle/caches warm, not measured
  const runs = [];
  for (let i = 0; i < 3; i++) runs.push(await sweep(`bench-3x4-${i}`, 3));
  const perActivity = runs.map((r) => r.wallMs / r.activities).sort((a, b) => a - b);
  // The run with the median wall time (not simply the second one).
  const small = [...runs].sort((x, y) => x.wallMs - y.wallMs)[1]!;
  const big = await sweep('bench-200', 200);
  const one = await sweep('bench-50', 50);
  const three = await fleet('bench-fleet', 50);
  const text = [
    `## Orchestration overhead (npm run bench:orchestration)`,
    ``,
    `${machineLine()} Temporal CLI dev server (SQLite in memory), workers in the same process. Activities do no work, so the time is scheduling alone.`,
    ``,
    `| measure | value | goal |`,
    `|---|---|---|`,
    `| 3 models × 4 suites: wall time (median of 3) | ${(small.wallMs / 1000).toFixed(2)} s for ${small.activities} activities | |`,
    `| overhead per activity (min / median / max of 3 runs) | ${perActivity.map((v) => v.toFixed(1)).join(' / ')} ms | ≤ 50 ms |`,
    `| history events per model (modelBenchmark child) | ${small.childEvents} | ≤ 100 |`,
    `| sweep (benchmarkSweep) events, 3 models | ${small.parentEvents} | |`,
    `| 200 models × 4 suites: wall time | ${(big.wallMs / 1000).toFixed(1)} s (${(big.wallMs / big.activities).toFixed(1)} ms per activity) | |`,
    `| 200 models: events / size of the sweep's last run (it continues as new every 100 models) | ${big.parentEvents} events / ${(big.parentBytes / 1024).toFixed(0)} KiB | limits 51 200 events / 50 MB per run |`,
    `| one host, 50 models × 4 suites: wall time | ${(one.wallMs / 1000).toFixed(1)} s | |`,
    `| fleet of 3 hosts × 50 models × 4 suites: wall time | ${(three.wallMs / 1000).toFixed(1)} s for ${three.activities} activities (${(three.wallMs / one.wallMs).toFixed(2)} × one host's 50) | |`,
    `| fleet: events of the fleet workflow / of one host's sweep | ${three.fleetEvents} / ${three.hostEvents} | |`,
    ``,
    `Goals: ${perActivity[1]! <= 50 ? 'met' : 'NOT met'} for overhead per activity (${perActivity[1]!.toFixed(1)} ms median vs ≤ 50 ms), ${small.childEvents <= 100 ? 'met' : 'NOT met'} for events per model (${small.childEvents} vs ≤ 100). 1-minute load average ${loadBefore.toFixed(2)} before and ${(loadavg()[0] ?? 0).toFixed(2)} after the run on 2 cores. Each sequential activity costs several server round trips (schedule, dispatch, complete, next workflow task). The fleet runs its hosts at once: three hosts of 50 models took ${(three.wallMs / one.wallMs).toFixed(2)} × one host's 50 (1 × = perfectly parallel, 3 × = one after another). With no-op activities that cost is the server's and the workers' scheduling on 2 shared cores; with real suites each host waits on its own model server.`,
    ``,
  ].join('\n');
  process.stdout.write(`${text}\n`);
  if (process.argv.includes('--write')) writeSection('orchestration', text);
} finally {
  for (const w of workers) await w.shutdown();
  await connection.close();
  await server.stop();
}
