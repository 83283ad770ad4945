// What `nightshift schedule create|list|delete` do: a sweep file becomes a Temporal Schedule that starts
// benchmarkSweep with that file's input on a cron expression. The file is read and checked once, when the
// schedule is created (as `sweep start` checks it); the schedule keeps that input, so editing the file
// later changes nothing until `schedule create --replace`. Schedules show in the Web UI's Schedules page.
import { basename, extname } from 'node:path';
import { terminalTable } from '../terminal/table.js';
import { isGrpcServiceError, ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleOptions, type ScheduleOverlapPolicy } from '@temporalio/client';
import { InputError } from '../../activities/errors.js';
import { benchmarkSweep } from '../../workflows/benchmark-sweep.js';
import { ORCHESTRATION_QUEUE } from '../../workflows/definitions.js';
import type { SweepInput } from '../../workflows/shared/sweep-input.js';
import { openClient } from '../temporal/connection.js';
import { loadSweepFile } from '../temporal/sweeps.js';

/**
 * What happens when the next night comes while the last sweep still runs. `skip` (default): that night is
 * skipped — the host is busy, and a second sweep would only wait for the host lease. `buffer-one`: it
 * starts as soon as the running one ends (at most one waits). `allow-all`: it starts at once and queues on
 * the host lease (docs/sweeps.md), so nights pile up if sweeps outgrow them.
 */
/** gRPC status INVALID_ARGUMENT. */
const INVALID_ARGUMENT = 3;

export const OVERLAP_POLICIES: Readonly<Record<string, ScheduleOverlapPolicy>> = { skip: 'SKIP', 'buffer-one': 'BUFFER_ONE', 'allow-all': 'ALLOW_ALL' };

export interface CreateFlags {
  config: string;
  cron: string;
  id?: string;
  timezone?: string;
  overlap: string;
  replace?: boolean;
  paused?: boolean;
  note?: string;
}

/** The default schedule id: `nightshift-<sweep file name>`. */
export function scheduleIdFor(configPath: string): string {
  return `nightshift-${basename(configPath, extname(configPath))}`;
}

export function scheduleOptions(id: string, input: SweepInput, flags: CreateFlags): ScheduleOptions {
  const overlap = OVERLAP_POLICIES[flags.overlap];
  if (!overlap) throw new InputError(`--overlap: expected one of ${Object.keys(OVERLAP_POLICIES).join(', ')}, got "${flags.overlap}"`);
  const fields = flags.cron.trim().split(/\s+/).filter((f) => !/^(CRON_)?TZ=/.test(f));
  if (fields.length < 5 || fields.length > 7) {
    throw new InputError(`--cron: expected a cron expression of 5 fields (minute hour day-of-month month day-of-week), e.g. "0 2 * * *" for 02:00 every night; got "${flags.cron}"`);
  }
  return {
    scheduleId: id,
    spec: { cronExpressions: [flags.cron], ...(flags.timezone ? { timezone: flags.timezone } : {}) },
    action: {
      type: 'startWorkflow',
      workflowType: benchmarkSweep,
      // Temporal appends each start's time to this id, so every night's sweep has its own id and journals.
      workflowId: id,
      taskQueue: ORCHESTRATION_QUEUE,
      args: [input],
    },
    // A worker host down at the scheduled time still gets that night's sweep if it is back within the hour.
    policies: { overlap, catchupWindow: '1 hour' },
    // The server keeps the spec as calendars; the cron as typed is what `schedule list` shows.
    memo: { cron: flags.cron, config: flags.config },
    state: { paused: flags.paused === true, note: flags.note ?? `sweep file ${flags.config}` },
  };
}

/** Exit code 0; 2 for a bad file or flag, or an existing schedule without --replace. */
export async function createAction(flags: CreateFlags): Promise<number> {
  const input = await loadSweepFile(flags.config);
  const id = flags.id ?? scheduleIdFor(flags.config);
  const options = scheduleOptions(id, input, flags);
  const { client, close } = await openClient();
  try {
    if (flags.replace) {
      // Deleted and created again, not updated: the memo (which keeps the cron text) cannot be updated.
      // Sweeps the old schedule started are not affected.
      await client.schedule
        .getHandle(id)
        .delete()
        .catch((error: unknown) => {
          throw error instanceof ScheduleNotFoundError ? new InputError(`--replace: there is no schedule "${id}" to replace`) : error;
        });
    }
    await client.schedule.create(options).catch((error: unknown) => {
      if (error instanceof ScheduleAlreadyRunning) throw new InputError(`schedule "${id}" exists: pass --replace to change it, or \`nightshift schedule delete ${id}\``);
      throw invalidSpec(error);
    });
    const next = (await client.schedule.getHandle(id).describe()).info.nextActionTimes[0];
    process.stdout.write(`${id}\n`);
    process.stderr.write(`${flags.replace ? 'replaced' : 'created'} schedule ${id}: ${flags.cron}${flags.timezone ? ` (${flags.timezone})` : ' (UTC)'}, overlap ${flags.overlap}; next sweep ${next ? next.toISOString() : '— (paused)'}\n`);
    return 0;
  } finally {
    await close();
  }
}

/** A spec Temporal cannot use: the SDK's cron parser throws a TypeError ("Minute is not in range [0-59]"),
 * the server answers INVALID_ARGUMENT. Either way, say which flag. */
function invalidSpec(error: unknown): unknown {
  if (error instanceof TypeError) return new InputError(`--cron: Temporal refused it: ${error.message}`);
  const code: number | undefined = isGrpcServiceError(error) ? error.code : undefined;
  if (isGrpcServiceError(error) && code === INVALID_ARGUMENT) return new InputError(`--cron: the Temporal server refused it: ${error.details || error.message}`);
  return error;
}

export interface ScheduleRow {
  id: string;
  cron: string;
  timezone: string;
  paused: boolean;
  next: string | null;
  lastStarted: string | null;
  lastWorkflowId: string | null;
  note: string;
}

export async function listSchedules(client: Client): Promise<ScheduleRow[]> {
  const rows: ScheduleRow[] = [];
  for await (const summary of client.schedule.list()) {
    if (summary.action?.type !== 'startWorkflow' || summary.action.workflowType !== benchmarkSweep.name) continue;
    const description = await client.schedule.getHandle(summary.scheduleId).describe();
    const last = description.info.recentActions.at(-1);
    rows.push({
      id: summary.scheduleId,
      cron: cronOf(description),
      timezone: description.spec.timezone || 'UTC',
      paused: description.state.paused,
      next: description.info.nextActionTimes[0]?.toISOString() ?? null,
      lastStarted: last ? last.takenAt.toISOString() : null,
      lastWorkflowId: last?.action.type === 'startWorkflow' ? last.action.workflow.workflowId : null,
      note: description.state.note ?? '',
    });
  }
  return rows.sort((a, b) => a.id.localeCompare(b.id));
}

/** The cron text the schedule was created from (its memo); a schedule made elsewhere shows as a calendar. */
function cronOf(description: { memo?: Record<string, unknown> }): string {
  const cron = description.memo?.cron;
  return typeof cron === 'string' ? cron : '(calendar)';
}

const NO_BORDERS = Object.fromEntries(
  ['top', 'top-mid', 'top-left', 'top-right', 'bottom', 'bottom-mid', 'bottom-left', 'bottom-right', 'left', 'left-mid', 'mid', 'mid-mid', 'right', 'right-mid', 'middle'].map((k) => [k, '']),
);

export async function listAction(o: { format: string }): Promise<void> {
  if (o.format !== 'table' && o.format !== 'json') throw new InputError(`--format: expected table or json, got "${o.format}"`);
  const { client, close } = await openClient();
  try {
    const rows = await listSchedules(client);
    if (o.format === 'json') {
      process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      return;
    }
    if (rows.length === 0) {
      process.stdout.write('no sweep schedules (create one with `nightshift schedule create --config F --cron "0 2 * * *"`)\n');
      return;
    }
    // Borderless and colourless: one header line, then one line per schedule (easy to read and to grep).
    const table = terminalTable({ head: ['SCHEDULE', 'CRON', 'TZ', 'STATE', 'NEXT', 'LAST STARTED'], chars: NO_BORDERS, style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2 } });
    for (const r of rows) table.push([r.id, r.cron, r.timezone, r.paused ? 'paused' : 'active', r.next ?? '—', r.lastStarted ?? '—']);
    process.stdout.write(`${table.toString().split('\n').map((line) => line.trimEnd()).join('\n')}\n`);
  } finally {
    await close();
  }
}

export async function deleteAction(id: string): Promise<void> {
  const { client, close } = await openClient();
  try {
    await client.schedule
      .getHandle(id)
      .delete()
      .catch((error: unknown) => {
        throw error instanceof ScheduleNotFoundError ? new InputError(`no schedule "${id}" (see \`nightshift schedule list\`)`) : error;
      });
    process.stderr.write(`deleted schedule ${id} (sweeps it started are not affected)\n`);
  } finally {
    await close();
  }
}
