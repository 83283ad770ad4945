// What `nightshift sweep start|status|list|retry|skip|cancel` do, on the Temporal server named by the
// standard environment configuration (TEMPORAL_ADDRESS, …). Loaded only when a sweep command runs.
import { basename } from 'node:path';
import type { Client } from '@temporalio/client';
import { InputError } from '../../activities/errors.js';
import { benchmarkSweep } from '../../workflows/benchmark-sweep.js';
import { skipModelSignal } from '../../workflows/definitions.js';
import type { SweepProgress } from '../../workflows/progress.js';
import { SweepNotCompletedError } from './sweep-result.js';
import { openClient, webUiLink } from './connection.js';
import { allModels, sweepProgress } from './progress.js';
import { loadSweepFile, progressDisplay, retrySweep, startSweep, sweepModelsOf, waitForSweep } from './sweeps.js';
import { formatDuration, summaryTable } from './summary.js';
import { terminalTable } from '../terminal/table.js';
import { EXIT_PAIRS_FAILED } from '../../activities/errors.js';

export interface StartFlags {
  config: string;
  endpoint?: string;
  hostQueue?: string;
  id?: string;
  wait?: boolean;
  format?: 'table' | 'json';
}

/** Exit code: 0 started (or, with --wait, every pair passed or skipped), 5 the sweep ran but a pair failed. */
export async function startAction(o: StartFlags): Promise<number> {
  checkStartFlags(o);
  const input = await loadSweepFile(o.config, { ...(o.endpoint !== undefined ? { endpoint: o.endpoint } : {}), ...(o.hostQueue !== undefined ? { hostQueue: o.hostQueue } : {}) });
  const { client, target, close } = await openClient();
  try {
    const handle = await startSweep(client, input, o.id);
    process.stderr.write(`started sweep ${handle.workflowId} (${input.models.length} model(s) × ${input.suites.length} suite(s))\n`);
    const link = webUiLink(undefined, target.namespace, handle.workflowId);
    if (link) process.stderr.write(`Web UI: ${link}\n`);
    if (!o.wait) {
      process.stdout.write(`${handle.workflowId}\n`);
      return 0;
    }
    const result = await waitForSweep(client, handle, { display: progressDisplay(o.format === 'json') }).catch((error: unknown) => {
      // Cancelled or terminated from elsewhere: still say what it had done by then, then the reason.
      if (error instanceof SweepNotCompletedError && error.progress) writeSummary(error.progress, o.format);
      throw error;
    });
    writeSummary(result, o.format);
    return result.counts.failed > 0 ? EXIT_PAIRS_FAILED : 0;
  } finally {
    await close();
  }
}

export async function statusAction(id: string, o: { format: 'table' | 'json' }): Promise<void> {
  await withClient(async (client) => {
    const first = await sweepProgress(client, id);
    // A sweep answers a page of models at a time; status shows them all.
    const progress = { ...first, models: await allModels(client.workflow.getHandle(id), first) };
    if (o.format === 'json') {
      process.stdout.write(`${JSON.stringify(progress, null, 2)}\n`);
      return;
    }
    const waiting = progress.waitingFor ? ` for host queue ${progress.waitingFor.hostQueue}${progress.waitingFor.position ? `, place ${progress.waitingFor.position}` : ''}${progress.waitingFor.holder ? ` (in use by ${progress.waitingFor.holder})` : ''}` : '';
    process.stdout.write(`${id}: ${progress.state}${waiting}${progress.retryOf ? ` (retry of ${progress.retryOf})` : ''}\n`);
    for (const m of progress.models) {
      process.stdout.write(`${m.model} [${m.state}]\n`);
      for (const s of m.suites) {
        const parts = [s.state, s.attempt ? `attempt ${s.attempt}` : '', s.percent !== undefined ? `${s.percent}%` : '', s.elapsedMs !== undefined ? `elapsed ${formatDuration(s.elapsedMs)}` : '', s.etaMs !== undefined ? `ETA ${formatDuration(s.etaMs)}` : '', s.shard ? basename(s.shard) : '', s.error ?? ''];
        process.stdout.write(`  ${s.suite}: ${parts.filter(Boolean).join(' · ')}\n`);
      }
    }
  });
}

/** One row of `sweep list`, from the workflow's memo (counts are there once the sweep has ended). */
export interface SweepListRow {
  sweepId: string;
  status: string;
  started: string;
  models: number;
  suites: number;
  counts?: { passed: number; failed: number; skipped: number };
  retryOf?: string;
}

export async function listAction(o: { limit: number; format: 'table' | 'json' }): Promise<void> {
  await withClient(async (client) => {
    const rows: SweepListRow[] = [];
    for await (const w of client.workflow.list({ query: `WorkflowType = '${benchmarkSweep.name}'` })) {
      const memo = (w.memo ?? {}) as { models?: string[]; modelCount?: number; suites?: string[]; retryOf?: string; counts?: SweepListRow['counts'] };
      rows.push({
        sweepId: w.workflowId,
        status: w.status.name,
        started: w.startTime.toISOString(),
        models: memo.modelCount ?? (memo.models ?? []).length,
        suites: (memo.suites ?? []).length,
        ...(memo.counts ? { counts: memo.counts } : {}),
        ...(memo.retryOf ? { retryOf: memo.retryOf } : {}),
      });
      if (rows.length >= o.limit) break;
    }
    process.stdout.write(o.format === 'json' ? `${JSON.stringify(rows, null, 2)}\n` : `${sweepListTable(rows)}\n`);
  });
}

export function sweepListTable(rows: SweepListRow[]): string {
  if (rows.length === 0) return 'no sweeps on this server';
  const table = terminalTable({ head: ['sweep', 'status', 'started (UTC)', 'models × suites', 'passed', 'failed', 'skipped', 'retry of'] });
  for (const r of rows) {
    const c = r.counts;
    table.push([r.sweepId, r.status, r.started.slice(0, 16).replace('T', ' '), `${r.models} × ${r.suites}`, c ? c.passed : '—', c ? c.failed : '—', c ? c.skipped : '—', r.retryOf ?? '']);
  }
  return `${table.toString()}\n(pair counts appear when a sweep has ended; \`sweep status ID\` shows a running one)`;
}

/** Exit code: 0 something was queued or started, 1 nothing to retry. */
export async function retryAction(id: string, o: { suite?: string; model?: string }): Promise<number> {
  let code = 0;
  await withClient(async (client) => {
    const outcome = await retrySweep(client, id, { ...(o.suite ? { suite: o.suite } : {}), ...(o.model ? { model: o.model } : {}) });
    if (outcome.kind === 'update') process.stdout.write(`queued in running sweep ${id}: ${outcome.queued.map((p) => `${p.model} · ${p.suite}`).join(', ')}\n`);
    else if (outcome.kind === 'new-sweep') {
      process.stderr.write(`started ${outcome.workflowId} for ${outcome.pairs.length} failed pair(s)\n`);
      process.stdout.write(`${outcome.workflowId}\n`);
    } else {
      process.stderr.write(`nothing to retry: ${outcome.reason}\n`);
      code = 1;
    }
  });
  return code;
}

export async function skipAction(id: string, o: { model: string; reason?: string }): Promise<void> {
  await withClient(async (client) => {
    // A signal to a model the sweep does not have would be accepted and ignored: check first.
    const handle = client.workflow.getHandle(id);
    const described = await handle.describe();
    if (described.status.name !== 'RUNNING') throw new InputError(`sweep ${id} is not running (${described.status.name.toLowerCase()}); only a running sweep can skip a model`);
    const models = await sweepModelsOf(handle);
    if (!models.includes(o.model)) {
      const shown = models.slice(0, 20).join(', ') + (models.length > 20 ? `, … (${models.length} in all)` : '');
      throw new InputError(`--model: sweep ${id} has no model "${o.model}"; its models: ${shown}`);
    }
    await handle.signal(skipModelSignal, { model: o.model, ...(o.reason ? { reason: o.reason } : {}) });
    process.stderr.write(`asked ${id} to skip ${o.model}\n`);
  });
}

export async function cancelAction(id: string): Promise<void> {
  await withClient(async (client) => {
    await client.workflow.getHandle(id).cancel();
    process.stderr.write(`cancellation requested for ${id}\n`);
  });
}

function writeSummary(progress: SweepProgress, format: StartFlags['format']): void {
  process.stdout.write(format === 'json' ? `${JSON.stringify(progress, null, 2)}\n` : `${summaryTable(progress)}\n${countsLine(progress)}\n`);
}

function countsLine(result: SweepProgress): string {
  return `${result.counts.passed} passed, ${result.counts.failed} failed, ${result.counts.skipped} skipped`;
}

/** Temporal's default limit on workflow id length (limit.maxIDLength). */
const MAX_WORKFLOW_ID_LENGTH = 1000;

function checkStartFlags(o: StartFlags): void {
  if (o.hostQueue !== undefined && o.hostQueue.trim() === '') throw new InputError('--host-queue: expected a task queue name, got an empty string');
  if (o.endpoint !== undefined && o.endpoint.trim() === '') throw new InputError('--endpoint: expected an http:// or https:// URL, got an empty string');
  if (o.id !== undefined) {
    if (o.id.trim() === '') throw new InputError('--id: expected a workflow id, got an empty string');
    if (o.id.length > MAX_WORKFLOW_ID_LENGTH) throw new InputError(`--id: at most ${MAX_WORKFLOW_ID_LENGTH} characters (Temporal's limit for workflow ids), got ${o.id.length}`);
  }
}

async function withClient(fn: (client: Client) => Promise<void>): Promise<void> {
  const { client, close } = await openClient();
  try {
    await fn(client);
  } catch (error) {
    if ((error as Error).name === 'WorkflowNotFoundError') throw new InputError((error as Error).message);
    throw error;
  } finally {
    await close();
  }
}
