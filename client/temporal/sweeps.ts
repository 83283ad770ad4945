// Starting, waiting for and retrying sweeps: shared by `nightshift sweep`, `nightshift demo` and tests.
import { readFile } from 'node:fs/promises';
import { parse as parseToml } from 'smol-toml';
import { defaultPayloadConverter, WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ConfigError, InputError } from '../../activities/errors.js';
import { defaultSuiteRegistry, resolveSuite } from '../../activities/suites/registry.js';
import { splitTool } from '../../workflows/suite-tools.js';
import { ORCHESTRATION_QUEUE, retryFailedSuitesUpdate, WORKFLOW_TYPES } from '../../workflows/definitions.js';
import { formatProblems, validateSweepInput, type SweepInput } from '../../workflows/input.js';
import { failedPairs, type SweepResult } from '../../workflows/progress.js';
import { progressBars } from './summary.js';
import { sweepProgress } from './progress.js';

/** Reads a sweep file (TOML, the same keys as the JSON input) and checks it exactly as the workflow will,
 * plus that this build has a runner for every suite. */
export async function loadSweepFile(path: string, overrides: Partial<SweepInput> = {}): Promise<SweepInput> {
  let raw: Record<string, unknown>;
  try {
    raw = parseToml(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`${path}: ${(error as Error).message}`);
  }
  const input = { ...raw, ...overrides };
  checkSweepInput(input, path);
  return input as unknown as SweepInput;
}

export function checkSweepInput(input: unknown, source: string): void {
  const checked = validateSweepInput(input);
  const problems = checked.ok ? [] : [...checked.problems];
  const registry = defaultSuiteRegistry();
  const suites = (input as { suites?: unknown }).suites;
  if (Array.isArray(suites)) {
    for (const [i, s] of suites.entries()) {
      if (typeof s === 'string' && checked.ok && !registry.has(s)) {
        problems.push({ field: `suites[${i}]`, message: `"${s}" has no runner in this build; runnable suites: ${[...registry.keys()].join(', ')}` });
      } else if (typeof s === 'string' && checked.ok) {
        const { tool } = splitTool(s, checked.input.suiteConfig[s] ?? {});
        if (!resolveSuite(registry, s, tool)) problems.push({ field: `suiteConfig.${s}.tool`, message: `"${tool}" has no runner for suite "${s}" in this build` });
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(`${source}: invalid sweep (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n${formatProblems(problems)}`);
}

export function newSweepId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-');
  return `sweep-${stamp}-${Math.random().toString(36).slice(2, 6)}`;
}

export async function startSweep(client: Client, input: SweepInput, workflowId = newSweepId()): Promise<WorkflowHandle> {
  return client.workflow.start(WORKFLOW_TYPES.sweep, {
    taskQueue: ORCHESTRATION_QUEUE,
    workflowId,
    args: [input],
    memo: { models: input.models, suites: input.suites, ...(input.retryOf ? { retryOf: input.retryOf } : {}) },
    staticSummary: `${input.models.length} model(s) × ${input.suites.length} suite(s)${input.retryOf ? ` · retry of ${input.retryOf}` : ''}`,
  });
}

/** Waits for the sweep, redrawing bars every second when `bars` is on; resolves to the result. */
export async function waitForSweep(client: Client, handle: WorkflowHandle, options: { bars: boolean }): Promise<SweepResult> {
  const bars = options.bars ? progressBars() : undefined;
  let finished = false;
  const result = handle.result().finally(() => {
    finished = true;
  }) as Promise<SweepResult>;
  try {
    while (!finished && bars) {
      try {
        bars.update(await sweepProgress(client, handle.workflowId));
      } catch {
        // The first query can race the first workflow task; the next tick catches up.
      }
      await Promise.race([result.catch(() => undefined), new Promise((r) => setTimeout(r, 1000))]);
    }
    const final = await result;
    bars?.update(final);
    return final;
  } finally {
    bars?.stop();
  }
}

/** The input a sweep was started with (first history event), for `sweep retry` of a finished sweep. */
export async function sweepInputOf(handle: WorkflowHandle): Promise<SweepInput> {
  const history = await handle.fetchHistory();
  const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  if (!payload) throw new InputError(`workflow ${handle.workflowId} has no start input in its history`);
  return defaultPayloadConverter.fromPayload(payload) as SweepInput;
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
  if (status !== 'COMPLETED') return { kind: 'nothing', reason: `sweep ${sweepId} ended ${status}; only a completed sweep has a result to retry from` };
  const result = (await handle.result()) as SweepResult;
  const pairs = failedPairs(result.models, filter);
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
