// `nightshift demo`'s work: a Temporal dev server, the simulated endpoint in its own process, both workers,
// one sweep of configs/sweeps/demo.toml published to the local dataset, the summary, and a clean shutdown.
import { join, resolve } from 'node:path';
import { defaultDatasetDir } from '../../activities/dataset/location.js';
import { dataDir } from '../../activities/sweep/paths.js';
import { spawnSimServer } from '../sim-server/spawn.js';
import { openClient, webUiLink } from '../temporal/connection.js';
import { startDevServer } from '../temporal/dev-server.js';
import { summaryTable } from '../temporal/summary.js';
import { loadSweepFile, progressDisplay, startSweep, waitForSweep } from '../temporal/sweeps.js';
import { findTemporalCli } from '../temporal/temporal-cli.js';

export interface DemoOptions {
  sweep: string;
  simConfig: string;
  datasetDir?: string;
  keepUi?: boolean;
}

export async function runDemo(o: DemoOptions): Promise<number> {
  const say = (line: string) => process.stderr.write(`demo: ${line}\n`);
  const dataset = resolve(o.datasetDir ?? defaultDatasetDir());
  const state = join(dataDir(), 'demo');
  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await fn().catch((e: unknown) => say(`shutdown: ${(e as Error).message}`));
    cleanups.length = 0;
  };
  const onSignal = () => void cleanup().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    const temporalPath = await findTemporalCli(say);
    const server = await startDevServer({ temporalPath, dbFile: join(state, 'temporal', 'dev.sqlite') });
    cleanups.push(() => server.stop());
    say(`Temporal dev server on ${server.address}, Web UI ${server.uiUrl}`);

    // Its own process, like a real model server: the worker's memory probe then finds and samples it.
    const sim = await spawnSimServer(['--config', o.simConfig]);
    cleanups.push(() => sim.stop());
    say(`simulated endpoint ${sim.url} (pid ${sim.pid}) from ${o.simConfig} (simulated timings, not real models)`);

    // The demo prints its own story; the SDK's per-worker state lines would bury it (warnings still show).
    // The worker SDK loads here, when the demo starts its workers (the CLI itself never loads it).
    const { DefaultLogger, Runtime } = await import('@temporalio/worker');
    const { startWorkers } = await import('../../workers/run.js');
    Runtime.install({ logger: new DefaultLogger('WARN') });
    const target = { address: server.address, namespace: 'default', connectionOptions: { address: server.address } };
    const hostQueue = `nightshift-demo-${process.pid}`;
    const workers = await startWorkers({ target, hostQueue, dataDir: state, dataset });
    cleanups.push(() => workers.shutdown());
    say(`workers polling "nightshift" and "${hostQueue}"`);

    const input = await loadSweepFile(o.sweep, { endpoint: sim.url, hostQueue });
    const { client, close } = await openClient(target);
    cleanups.push(close);
    const handle = await startSweep(client, input);
    const link = webUiLink(server.uiUrl, 'default', handle.workflowId);
    say(`sweep ${handle.workflowId}: ${input.models.length} models × ${input.suites.length} suites (${input.suites.join(', ')})`);
    const result = await waitForSweep(client, handle, { display: progressDisplay(false) });

    process.stdout.write(`\n${summaryTable(result)}\n`);
    process.stdout.write(`${result.counts.passed} passed, ${result.counts.failed} failed, ${result.counts.skipped} skipped\n\n`);
    const shards = result.models.flatMap((m) => m.suites.map((s) => s.shard).filter((s): s is string => Boolean(s)));
    process.stdout.write(`Shards (${shards.length}) in ${dataset}/data:\n${shards.map((s) => `  ${s}`).join('\n')}\n`);
    process.stdout.write(`See them: nightshift viewer --dataset-dir ${dataset}   (or: nightshift results --dataset-dir ${dataset})\n`);
    process.stdout.write(`Web UI (while the demo runs): ${link}\n`);
    process.stdout.write(`Browse this run later: nightshift dev --data-dir ${state}  →  ${webUiLink('http://127.0.0.1:8233', 'default', handle.workflowId)}\n`);
    if (o.keepUi) {
      say('dev server and Web UI stay up; Ctrl-C to stop');
      await new Promise(() => {});
    }
    return result.counts.failed > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    await cleanup();
  }
}
