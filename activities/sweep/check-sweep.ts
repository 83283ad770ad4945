// The sweep's early check, before any model loads: the input's shape (the same rules the workflow applies),
// every suite against the catalog (a runner in this build, a known tool), and every suite's config — its
// file with the sweep's overrides merged over it — through the one config loader. Every problem is listed
// at once. `nightshift sweep start` runs it before starting; the workflow runs it as its first, light
// activity, so a sweep started with the plain Temporal CLI fails in seconds instead of hours into the night.
import { isRecord } from '../../workflows/shared/records.js';
import { SUITES } from '../../workflows/shared/envelope.js';
import { validateSweepInput, type InputProblem } from '../../workflows/shared/sweep-input.js';
import { isFleetInput, validateFleetInput } from '../../workflows/shared/fleet-input.js';
import { ConfigError, InputError, type ConfigProblem } from '../errors.js';
import { checkOutputDirectory } from '../files/output-path.js';
import { PROJECT_ROOT } from '../project-root.js';
import type { SuiteCatalog } from '../suites/catalog.js';
import { resolveSuite } from '../suites/suite-config.js';
import { activityPollers } from './temporal-ops.js';
import type { Client } from '@temporalio/client';

export interface CheckSweepOptions {
  catalog?: SuiteCatalog;
  configsDir?: string;
  /** The host queue a sweep without `hostQueue` runs on (the orchestration worker's default). */
  defaultHostQueue?: string;
  /** With a client, the check also asks the server whether a worker polls the sweep's host queue. */
  temporal?: { client: Client; namespace: string };
  /** On the worker that publishes: the dataset directory a sweep without `dataset` publishes to. With it,
   * the sweep's dataset directory is checked for being writable before any model loads. */
  publisherDataset?: string;
}

/** Where a problem of the input itself is (not of a config file): its key path in the sweep input. */
export const SWEEP_INPUT = 'sweep input';

/** Every problem of a sweep: input keys under source SWEEP_INPUT, config files by file and line. */
export async function sweepProblems(raw: unknown, options: CheckSweepOptions = {}): Promise<ConfigProblem[]> {
  const fleet = isFleetInput(raw);
  const checked = fleet ? validateFleetInput(raw) : validateSweepInput(raw);
  const problems: ConfigProblem[] = checked.ok ? [] : checked.problems.map((p) => ({ source: SWEEP_INPUT, key: p.field, message: p.message }));
  if (!isRecord(raw)) return problems;
  const hostQueue = typeof raw.hostQueue === 'string' && raw.hostQueue !== '' ? raw.hostQueue : options.defaultHostQueue;
  // A fleet goes on without a host that is down (its pairs fail saying so); a single host must be up.
  if (!fleet && options.temporal && hostQueue !== undefined && !(await hostQueuePolled(options.temporal, hostQueue))) {
    problems.push({
      source: SWEEP_INPUT,
      key: 'hostQueue',
      message: `no worker is polling host queue "${hostQueue}"; start one on the inference machine (nightshift worker --host-queue ${hostQueue}) or name the queue a host worker polls`,
    });
  }
  if (options.publisherDataset !== undefined) {
    const dataset = typeof raw.dataset === 'string' && raw.dataset !== '' ? raw.dataset : options.publisherDataset;
    try {
      await checkOutputDirectory(dataset, 'dataset');
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push({ source: SWEEP_INPUT, key: 'dataset', message: error.message.replace(/^dataset: /, '') });
    }
  }
  if (!Array.isArray(raw.suites)) return problems;
  const suiteConfig = isRecord(raw.suiteConfig) ? raw.suiteConfig : {};
  for (const suite of new Set(raw.suites)) {
    // A name outside the envelope's suites is already reported by the input check.
    if (typeof suite !== 'string' || !(SUITES as readonly string[]).includes(suite)) continue;
    const overrides = suiteConfig[suite];
    try {
      await resolveSuite(suite, isRecord(overrides) ? overrides : {}, options);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const found = error.problems.length > 0 ? error.problems : [{ source: `suiteConfig.${suite}`, key: '', message: error.message }];
      problems.push(...found.map(inInput));
    }
  }
  return problems;
}

/** Whether a worker polled `queue` recently. A worker that has just started may not have polled yet, so
 * an empty answer is asked again for a few seconds before it counts. */
export async function hostQueuePolled(temporal: { client: Client; namespace: string }, queue: string): Promise<boolean> {
  for (let attempt = 0; attempt < 6; attempt++) {
    if ((await activityPollers(temporal.client, temporal.namespace, queue)).length > 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return false;
}

/** The same problems as the workflow reports them (field, message). */
export async function checkSweep(raw: unknown, options: CheckSweepOptions = {}): Promise<InputProblem[]> {
  return (await sweepProblems(raw, options)).map((p) => ({
    field: p.source === SWEEP_INPUT ? p.key : `${relativeToProject(p.source)}${p.line ? `:${p.line}` : ''}${p.key ? ` ${p.key}` : ''}`,
    message: p.message,
  }));
}

// Problems in the sweep's own keys (`suites`, `suiteConfig.<suite>.…`) are input problems.
function inInput(p: ConfigProblem): ConfigProblem {
  if (p.source === 'suites' || p.source.startsWith('suiteConfig.')) return { source: SWEEP_INPUT, key: [p.source, p.key].filter(Boolean).join('.'), message: p.message };
  return p;
}

function relativeToProject(path: string): string {
  return path.startsWith(`${PROJECT_ROOT}/`) ? path.slice(PROJECT_ROOT.length + 1) : path;
}
