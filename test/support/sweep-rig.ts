// What a sweep test file needs running: a real Temporal dev server, the simulated endpoint, and in-process
// workers polling a host queue of the file's own, with journals and the dataset in a temporary folder.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimServer, type SimServer, type SimServerOptions } from '../../client/sim-server/server.js';
import { startWorkers, type RunningWorkers } from '../../workers/run.js';
import { startHarness, type Harness } from '../workflows/harness.js';

export interface SweepRig {
  h: Harness;
  sim: SimServer;
  workers: RunningWorkers;
  /** Temporary folder: `data` (journals, work directories) and `dataset` (published shards). */
  dir: string;
  hostQueue: string;
  close(): Promise<void>;
}

export async function startSweepRig(name: string, simConfig: SimServerOptions['config']): Promise<SweepRig> {
  const dir = await mkdtemp(join(tmpdir(), `ns-${name}-`));
  const hostQueue = `${name}-${process.pid}`;
  const h = await startHarness();
  const sim = await startSimServer({ config: simConfig });
  const workers = await startWorkers({ target: h.target, hostQueue, dataDir: join(dir, 'data'), dataset: join(dir, 'dataset') });
  return {
    h,
    sim,
    workers,
    dir,
    hostQueue,
    async close() {
      await workers.shutdown();
      await sim.close();
      await h.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
