// Starting, waiting for and retrying sweeps: shared by `nightshift sweep`, `nightshift demo` and tests.
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultPayloadConverter, WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { configErrorOf, readConfigFile } from '../../activities/config/load-config.js';
import { keyLines, lineOf } from '../../activities/config/toml-locate.js';
import { InputError } from '../../activities/errors.js';
import { sweepProblems, SWEEP_INPUT } from '../../activities/sweep/check-sweep.js';
import { benchmarkSweep } from '../../workflows/benchmark-sweep.js';
import { ORCHESTRATION_QUEUE, retryFailedSuitesUpdate } from '../../workflows/definitions.js';
import type { SweepInput } from '../../workflows/shared/sweep-input.js';
import { isRecord } from '../../workflows/shared/records.js';
import { failedPairs, type SweepProgress, type SweepResult } from '../../workflows/progress.js';
import { progressBars, progressLines } from './summary.js';
import { notCompleted, sweepResult, SweepNotCompletedError } from './sweep-result.js';
import { allModels } from './progress.js';
import { settledByCancel, sweepProgress } from './progress.js';

/** Reads a sweep file (TOML, the same keys as the JSON input) and checks it exactly as the workflow will:
 * the input, every suite and tool against the catalog, and every suite's config. Problems name the file
 * and line of the key at fault (the sweep file's, or a suite config file's). */
export async function loadSweepFile(path: string, overrides: Partial<SweepInput> = {}): Promise<SweepInput> {
  const file = await readConfigFile(path);
  const input = { ...file.data, ...overrides };
  await checkSweepInput(input, path, file.toml);
  return input as unknown as SweepInput;
}

/** Throws one ConfigError listing every problem of the sweep; `source` names it (a file, or e.g. "--input"). */
export async function checkSweepInput(input: unknown, source: string, toml?: string): Promise<void> {
  const problems = await sweepProblems(input);
  if (problems.length === 0) return;
  const lines = toml === undefined ? new Map<string, number>() : keyLines(toml);
  const located = problems.map((p) => {
    if (p.source !== SWEEP_INPUT) return p;
    const line = lineOf(lines, p.key.replace(/\[(\d+)\]/g, '.$1').split('.'));
    return { source, key: p.key, message: p.message, ...(line !== undefined ? { line } : {}) };
  });
  throw configErrorOf(located, `${source}: invalid sweep`);
}

export function newSweepId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
  return `sweep-${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

export async function startSweep(client: Client, input: SweepInput, workflowId = newSweepId()): Promise<WorkflowHandle> {
  return client.workflow.start(benchmarkSweep, {
    taskQueue: ORCHESTRATION_QUEUE,
    workflowId,
    args: [input],
    memo: { models: input.models, suites: input.suites, ...(input.retryOf ? { retryOf: input.retryOf } : {}) },
    staticSummary: `${input.models.length} model(s) × ${input.suites.length} suite(s)${input.retryOf ? ` · retry of ${input.retryOf}` : ''}`,
  });
}

/** How a waiting command shows progress: bars on a terminal, a line per pair event for pipes and logs. */
export type ProgressDisplay = 'bars' | 'lines' | 'none';

/** Bars when stderr is a terminal (unless stdout is for JSON), lines otherwise. */
export function progressDisplay(json: boolean, stream: { isTTY?: boolean } = process.stderr): ProgressDisplay {
  if (stream.isTTY !== true) return 'lines';
  return json ? 'none' : 'bars';
}

/** Waits for the sweep, showing its progress every second as `display` says; resolves to the result. */
export async function waitForSweep(client: Client, handle: WorkflowHandle, options: { display: ProgressDisplay }): Promise<SweepResult> {
  const bars = options.display === 'bars' ? progressBars() : options.display === 'lines' ? progressLines() : undefined;
  // Set when the result settles, while the loop below awaits: typed boolean so the loop's test is not
  // narrowed to the initial false.
  let finished = false as boolean;
  const result = sweepResult(handle).finally(() => {
    finished = true;
  });
  let last: SweepProgress | undefined;
  try {
    while (!finished && bars) {
      try {
        last = await sweepProgress(client, handle.workflowId);
        bars.update(last);
      } catch {
        // The first query can race the first workflow task; the next tick catches up.
      }
      await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
    }
    const final = await result.catch(async (error: unknown) => {
      const how = notCompleted(error);
      if (!how) throw error;
      // The ended sweep still answers the progress query (a worker replays it); if none does within a few
      // seconds, what was last shown stands.
      const progress = await Promise.race([sweepProgress(client, handle.workflowId), sleep(5000, undefined, { ref: false })]).catch(() => undefined);
      throw new SweepNotCompletedError(handle.workflowId, how, progress ?? (last && how === 'cancelled' ? settledByCancel(last) : last));
    });
    bars?.update(final);
    return final;
  } finally {
    bars?.stop();
  }
}

/** The input a sweep was started with (first history event), for `sweep retry` of a finished sweep. */
export async function sweepInputOf(handle: WorkflowHandle): Promise<SweepInput> {
  return startInputOf<SweepInput>(handle);
}

/** Every model a sweep runs, from its start input: a fleet's shared `models` and each host's own. (The
 * memo keeps only the first 50, for list views.) */
export async function sweepModelsOf(handle: WorkflowHandle): Promise<string[]> {
  const input = await startInputOf<unknown>(handle);
  const names = (list: unknown): string[] => (Array.isArray(list) ? list.filter((m): m is string => typeof m === 'string') : []);
  if (!isRecord(input)) return [];
  const hosts = Array.isArray(input.hosts) ? input.hosts.filter(isRecord) : [];
  return [...new Set([...names(input.models), ...hosts.flatMap((h) => names(h.models))])];
}

async function startInputOf<T>(handle: WorkflowHandle): Promise<T> {
  const history = await handle.fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new InputError(`workflow ${handle.workflowId} has no start input in its history`);
  return defaultPayloadConverter.fromPayload<T>(payload);
}

export type RetryOutcome =
  | { kind: 'update'; queued: Array<{ model: string; suite: string }> }
  | { kind: 'new-sweep'; workflowId: string; pairs: Array<{ model: string; suite: string }> }
  | { kind: 'nothing'; reason: string };

/** Running sweep → the retryFailedSuites update; finished sweep → a new sweep of only its failed pairs,
 * linked to the original by `retryOf` (input and memo) and by its id. */
export async function retrySweep(client: Client, sweepId: string, filter: { model?: string; suite?: string }): Promise<RetryOutcome> {
  const handle = client.workflow.getHandle(sweepId);
  let status: string;
  try {
    status = (await handle.describe()).status.name;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new InputError(`no sweep with id ${sweepId}`);
    throw error;
  }
  if (status === 'RUNNING') {
    const { queued } = await handle.executeUpdate(retryFailedSuitesUpdate, { args: [filter] });
    return queued.length ? { kind: 'update', queued } : { kind: 'nothing', reason: 'no failed pair matches (yet)' };
  }
  // A sweep with failed pairs ends FAILED (PairsFailed) and carries its result; other ends have none.
  const result = status === 'COMPLETED' || status === 'FAILED' ? await sweepResult(handle).catch(() => undefined) : undefined;
  if (!result) return { kind: 'nothing', reason: `sweep ${sweepId} ended ${status} without a result to retry from` };
  const pairs = failedPairs(await allModels(handle, result), filter);
  if (pairs.length === 0) return { kind: 'nothing', reason: 'the sweep has no failed pair matching the filter' };
  const original = await sweepInputOf(handle);
  const models = [...new Set(pairs.map((p) => p.model))];
  const suites = original.suites.filter((s) => pairs.some((p) => p.suite === s));
  const input: SweepInput = { ...original, models, suites, pairs, retryOf: sweepId };
  delete (input as { suiteConfig?: unknown }).suiteConfig;
  if (original.suiteConfig) input.suiteConfig = Object.fromEntries(Object.entries(original.suiteConfig).filter(([k]) => suites.includes(k)));
  const retryId = `${sweepId}-retry-${Date.now().toString(36)}`;
  await startSweep(client, input, retryId);
  return { kind: 'new-sweep', workflowId: retryId, pairs };
}
