// Starts the host worker, the orchestration worker, or both in one process (the default for one-machine
// use). Shutdown is graceful: SIGINT/SIGTERM (handled by the SDK runtime) or shutdown() stop polling, let
// running activities see cancellation, and resolve once both workers have drained.
import { Runtime, Worker, type NativeConnection } from '@temporalio/worker';
import { defaultRegistryDir, reapOrphans } from '../activities/suites/external/process-registry.js';
import { createSweepActivities, HOST_ACTIVITIES, ORCHESTRATION_ACTIVITIES, type SweepActivities } from '../activities/sweep/activities.js';
import type { MemoryProbe } from '../activities/memory/index.js';
import { dataDir as defaultDataDir } from '../activities/sweep/paths.js';
import type { SuiteCatalog } from '../activities/suites/catalog.js';
import { ORCHESTRATION_QUEUE } from '../workflows/definitions.js';
import { workflowBundle } from './bundle.js';
import { connectClient, connectWorker } from './connection.js';
import { temporalTarget, type TemporalTarget } from './temporal-target.js';
import { defaultHostQueue, HOST_WORKER } from './options.js';
import { ensureSearchAttributes } from './search-attributes.js';
import { refuseSecondHostWorker, yieldToSimultaneousWorker } from './one-host-worker.js';
import { InputError } from '../activities/errors.js';
import { Client } from '@temporalio/client';
import { hostname } from 'node:os';
import { memoryProbe } from './memory-probe.js';
import { checkOutputDirectory, ensureOutputDirectory } from '../activities/files/output-path.js';
import { defaultDatasetDir } from '../activities/dataset/location.js';

export interface RunWorkersOptions {
  host?: boolean;
  orchestration?: boolean;
  hostQueue?: string;
  target?: TemporalTarget;
  dataDir?: string;
  dataset?: string;
  /** Suites the workers know (default: the built-in catalog; tests add entries). */
  catalog?: SuiteCatalog;
  memory?: MemoryProbe;
  /** The workers' identity on the server (default "<pid>@<hostname>", which the dead-worker checks read). */
  identity?: string;
  /** Replace activities (benchmarks of the orchestration alone use no-op activities). */
  activities?: Partial<SweepActivities>;
  /** Pid-file registry of external tools' process groups, reaped at host worker start (default:
   * defaultRegistryDir(), the same place the tool runner registers groups). */
  registryDir?: string;
}

export interface RunningWorkers {
  hostQueue: string;
  namespace: string;
  /** Resolves when every worker has stopped (after shutdown() or a signal). */
  done: Promise<void>;
  shutdown(): Promise<void>;
}

export async function startWorkers(options: RunWorkersOptions = {}): Promise<RunningWorkers> {
  const host = options.host ?? true;
  const orchestration = options.orchestration ?? true;
  const target = options.target ?? temporalTarget();
  const hostQueue = options.hostQueue ?? defaultHostQueue();
  // Where the workers write, checked before connecting: a bad path is a bad flag, not a failed night.
  if (host) await ensureOutputDirectory(options.dataDir ?? defaultDataDir(), options.dataDir ? '--data-dir' : 'NIGHTSHIFT_DATA_DIR');
  if (orchestration) await checkOutputDirectory(options.dataset ?? defaultDatasetDir(), options.dataset ? '--dataset-dir' : 'NIGHTSHIFT_DATASET_DIR');
  const connection: NativeConnection = await connectWorker(target);
  // The workers' own client: search attributes, the one-host-worker check, and the orchestration
  // activities' server calls (host lease, pollers).
  const clientConnection = await connectClient(target);
  const client = new Client({ connection: clientConnection, namespace: target.namespace });
  const identity = options.identity ?? `${process.pid}@${hostname()}`;
  let searchAttributes = false;
  try {
    if (orchestration) searchAttributes = await ensureSearchAttributes(clientConnection, target.namespace);
    if (host) await refuseSecondHostWorker(client, target.namespace, hostQueue, identity);
  } catch (error) {
    await clientConnection.close();
    await connection.close();
    throw error;
  }
  const all = {
    ...createSweepActivities({
      hostQueue,
      dataDir: options.dataDir ?? defaultDataDir(),
      ...(options.catalog ? { catalog: options.catalog } : {}),
      memory: options.memory ?? memoryProbe,
      searchAttributes,
      ...(options.dataset ? { dataset: options.dataset } : {}),
      ...(orchestration ? { temporal: { client, namespace: target.namespace } } : {}),
    }),
    ...options.activities,
  };
  const pick = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, all[n as keyof typeof all]]));

  const workers: Worker[] = [];
  if (host) {
    // A host worker that was SIGKILLed could not kill the tools it had started (lm-eval, vllm bench…);
    // they would keep the model server busy next to the retried suite. Kill them before polling.
    reapAtStart(options.registryDir ?? defaultRegistryDir());
    workers.push(
      await Worker.create({
        connection,
        namespace: target.namespace,
        taskQueue: hostQueue,
        identity,
        activities: pick(HOST_ACTIVITIES),
        ...HOST_WORKER,
      }),
    );
  }
  if (orchestration) {
    workers.push(
      await Worker.create({
        connection,
        namespace: target.namespace,
        taskQueue: ORCHESTRATION_QUEUE,
        identity,
        workflowBundle: await workflowBundle(),
        activities: pick(ORCHESTRATION_ACTIVITIES),
      }),
    );
  }
  if (workers.length === 0) throw new Error('nothing to run: both the host and the orchestration worker are disabled');
  let conflict: Error | undefined;
  const settling = new AbortController();
  const done = Promise.all(workers.map((w) => w.run())).then(
    async () => {
      settling.abort();
      await connection.close();
      await clientConnection.close();
      if (conflict) throw conflict;
    },
    async (error: unknown) => {
      settling.abort();
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await connection.close().catch(() => {});
      await clientConnection.close().catch(() => {});
      throw error;
    },
  );
  if (host) {
    yieldToSimultaneousWorker(client, target.namespace, hostQueue, identity, { signal: settling.signal }).then(
      (other) => {
        if (other === undefined) return;
        conflict = new InputError(
          `another host worker (${other}) started polling host queue "${hostQueue}" at the same moment; a host runs one eval at a time, so this one stops. Start it again with another --host-queue if both were meant to run`,
        );
        for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      },
      (error: unknown) => {
        Runtime.instance().logger.warn(`could not check host queue "${hostQueue}" for a worker that started at the same moment: ${(error as Error).message}`);
      },
    );
  }
  return {
    hostQueue,
    namespace: target.namespace,
    done,
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}

/** Kills the process groups that dead workers left behind and logs what it found. */
export function reapAtStart(registryDir: string) {
  const report = reapOrphans(registryDir);
  const logger = Runtime.instance().logger;
  for (const e of report.killed) {
    logger.warn(`reaped orphaned tool process group ${e.pgid} of dead worker ${e.ownerPid} (started ${e.startedAt}): ${e.command}`, { registryDir, logPath: e.logPath });
  }
  // A group usually ends by itself soon after its worker dies (its output pipe is gone); only its pid file is left.
  for (const e of report.stale) {
    logger.info(`removed stale registry entry of tool process group ${e.pgid} of dead worker ${e.ownerPid} (the group had ended): ${e.command}`, { registryDir });
  }
  return report;
}
