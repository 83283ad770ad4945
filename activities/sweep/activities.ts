// The sweep's activities as one object per worker: host activities (load, warm up, suites, release) and
// light orchestration activities (check, publish, environment, the host lease's server calls). Built by a
// factory so the worker injects its host queue, data directory, suite catalog, memory probe and Temporal
// client; workflows see only the type.
import type { Client } from '@temporalio/client';
import { loadModelActivity, releaseModelActivity, warmUpActivity } from './lifecycle.js';
import type { MemoryProbe } from '../memory/index.js';
import { publishSuiteActivity } from './publish-suite.js';
import { runSuiteActivity } from './run-suite.js';
import { failFastOnBadInput } from './failures.js';
import type { SuiteCatalog } from '../suites/catalog.js';
import type { InputProblem } from '../../workflows/shared/sweep-input.js';
import { checkSweep, hostQueuePolled } from './check-sweep.js';
import { requestHostLease, workflowIsOpen } from './temporal-ops.js';
import { defaultDatasetDir } from '../dataset/location.js';
import type {
  LoadModelResult,
  ModelRef,
  PublishSuiteInput,
  PublishSuiteResult,
  ReleaseModelInput,
  ReleaseModelResult,
  RunSuiteInput,
  RunSuiteResult,
  SweepEnvironment,
  WarmUpInput,
  WarmUpResult,
} from './types.js';

export interface SweepActivityOptions {
  hostQueue: string;
  dataDir: string;
  /** The suites this worker can run (default: the built-in catalog). */
  catalog?: SuiteCatalog;
  memory: MemoryProbe;
  /** Dataset directory when the sweep input names none (default: the publisher's default). */
  dataset?: string;
  /** Whether the Nightshift search attributes are registered on the server this worker talks to. */
  searchAttributes: boolean;
  /** The orchestration worker's client (lease, pollers); absent on a host-only worker. */
  temporal?: { client: Client; namespace: string };
}

export function createSweepActivities(options: SweepActivityOptions) {
  const server = (): { client: Client; namespace: string } => {
    if (!options.temporal) throw new Error('this activity runs on the orchestration worker, which has a Temporal client');
    return options.temporal;
  };
  return {
    loadModel: (input: ModelRef): Promise<LoadModelResult> => failFastOnBadInput(() => loadModelActivity(input)),
    warmUp: (input: WarmUpInput): Promise<WarmUpResult> => failFastOnBadInput(() => warmUpActivity(input, options.memory)),
    runSuite: (input: RunSuiteInput): Promise<RunSuiteResult> =>
      failFastOnBadInput(() => runSuiteActivity({ dataDir: options.dataDir, ...(options.catalog ? { catalog: options.catalog } : {}) }, input)),
    releaseModel: (input: ReleaseModelInput): Promise<ReleaseModelResult> => failFastOnBadInput(() => releaseModelActivity(input, options.memory)),
    publishSuite: (input: PublishSuiteInput): Promise<PublishSuiteResult> => failFastOnBadInput(() => publishSuiteActivity(input, options.dataset)),
    checkSweep: (input: unknown): Promise<InputProblem[]> =>
      checkSweep(input, {
        ...(options.catalog ? { catalog: options.catalog } : {}),
        defaultHostQueue: options.hostQueue,
        publisherDataset: options.dataset ?? defaultDatasetDir(),
        ...(options.temporal ? { temporal: options.temporal } : {}),
      }),
    requestHostLease: (request: { hostQueue: string; holder: string }): Promise<void> => requestHostLease(server().client, request),
    workflowIsOpen: (workflowId: string): Promise<boolean> => workflowIsOpen(server().client, workflowId),
    hostQueuePolled: (queue: string): Promise<boolean> => hostQueuePolled(server(), queue),
    sweepEnvironment: (): Promise<SweepEnvironment> => Promise.resolve({ hostQueue: options.hostQueue, searchAttributes: options.searchAttributes }),
  };
}

export type SweepActivities = ReturnType<typeof createSweepActivities>;
/** Activities that touch the model server: registered only on the host worker. */
export const HOST_ACTIVITIES = ['loadModel', 'warmUp', 'runSuite', 'releaseModel'] as const;
/** Light activities: registered on the orchestration worker. */
export const ORCHESTRATION_ACTIVITIES = ['publishSuite', 'checkSweep', 'sweepEnvironment', 'requestHostLease', 'workflowIsOpen', 'hostQueuePolled'] as const;
