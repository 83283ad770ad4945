// `nightshift schedule`: a sweep file becomes a Temporal Schedule on a real dev server; triggered, it starts
// benchmarkSweep with the file's input; bad flags, files and ids are refused with exit 2 and the flag named.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../client/cli.js';
import { startHarness, type Harness } from '../workflows/harness.js';

let h: Harness;
let dir: string;
let sweepFile: string;
const savedAddress = process.env.TEMPORAL_ADDRESS;

beforeAll(async () => {
  h = await startHarness();
  process.env.TEMPORAL_ADDRESS = h.server.address;
  dir = await mkdtemp(join(tmpdir(), 'ns-schedule-'));
  sweepFile = join(dir, 'nightly.toml');
  await writeFile(sweepFile, 'models = ["sim-a", "sim-b"]\nsuites = ["ttft"]\nendpoint = "http://127.0.0.1:9"\ntags = { source = "schedule-test" }\n');
});

afterAll(async () => {
  if (savedAddress === undefined) delete process.env.TEMPORAL_ADDRESS;
  else process.env.TEMPORAL_ADDRESS = savedAddress;
  await h.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI in-process; returns its exit code and what it wrote. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  try {
    const code = await main(args);
    process.exitCode = undefined;
    return { code, out, err };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('nightshift schedule', { timeout: 60_000 }, () => {
  it('creates a schedule from a sweep file; triggered, it starts benchmarkSweep with that input', async () => {
    const created = await cli('schedule', 'create', '--config', sweepFile, '--cron', '0 2 * * *', '--timezone', 'Europe/Berlin');
    expect(created).toMatchObject({ code: 0, out: 'nightshift-nightly\n' });
    expect(created.err).toMatch(/^created schedule nightshift-nightly: 0 2 \* \* \* \(Europe\/Berlin\), overlap skip; next sweep \d{4}-/);

    const listed = await cli('schedule', 'list', '--format', 'json');
    const rows = JSON.parse(listed.out) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: 'nightshift-nightly', cron: '0 2 * * *', timezone: 'Europe/Berlin', paused: false, lastStarted: null });
    // The next start is 02:00 in Berlin: 00:00 or 01:00 UTC.
    expect(rows[0]!.next).toMatch(/T0[01]:00:00\.000Z$/);
    const table = await cli('schedule', 'list');
    expect(table.out.split('\n')[0]).toMatch(/^SCHEDULE\s+CRON\s+TZ\s+STATE\s+NEXT\s+LAST STARTED$/);

    const handle = h.client.schedule.getHandle('nightshift-nightly');
    await handle.trigger();
    let workflowId: string | undefined;
    for (let i = 0; i < 100 && !workflowId; i++) {
      const recent = (await handle.describe()).info.recentActions.at(-1);
      if (recent?.action.type === 'startWorkflow') workflowId = recent.action.workflow.workflowId;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(workflowId).toMatch(/^nightshift-nightly-/);
    const sweep = h.client.workflow.getHandle(workflowId!);
    const description = await sweep.describe();
    expect(description.type).toBe('benchmarkSweep');
    expect(description.taskQueue).toBe('nightshift');
    const history = await sweep.fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    const input = JSON.parse(Buffer.from(started!.input!.payloads![0]!.data!).toString('utf8')) as Record<string, unknown>;
    expect(input).toMatchObject({ models: ['sim-a', 'sim-b'], suites: ['ttft'], endpoint: 'http://127.0.0.1:9', tags: { source: 'schedule-test' } });
    await sweep.terminate('test done');
    expect((JSON.parse((await cli('schedule', 'list', '--format', 'json')).out) as Array<{ lastWorkflowId: string }>)[0]!.lastWorkflowId).toBe(workflowId);
  });

  it('refuses an existing id without --replace, replaces it with --replace', async () => {
    const again = await cli('schedule', 'create', '--config', sweepFile, '--cron', '0 3 * * *');
    expect(again.code).toBe(2);
    expect(again.err).toContain('schedule "nightshift-nightly" exists: pass --replace to change it, or `nightshift schedule delete nightshift-nightly`');
    expect((await cli('schedule', 'create', '--config', sweepFile, '--cron', '0 3 * * *', '--replace', '--overlap', 'buffer-one')).code).toBe(0);
    const [row] = JSON.parse((await cli('schedule', 'list', '--format', 'json')).out) as Array<Record<string, unknown>>;
    expect(row).toMatchObject({ cron: '0 3 * * *', timezone: 'UTC' });
    const policies = (await h.client.schedule.getHandle('nightshift-nightly').describe()).policies;
    expect(policies.overlap).toBe('BUFFER_ONE');
  });

  it('bad cron, bad sweep file, unknown ids: exit 2 naming what is wrong, nothing created', async () => {
    const cron = await cli('schedule', 'create', '--config', sweepFile, '--cron', 'every night', '--id', 'bad-cron');
    expect(cron.code).toBe(2);
    expect(cron.err).toContain('--cron: expected a cron expression of 5 fields');
    const refused = await cli('schedule', 'create', '--config', sweepFile, '--cron', '99 2 * * *', '--id', 'bad-minute');
    expect(refused.code).toBe(2);
    expect(refused.err).toBe('nightshift: --cron: Temporal refused it: Minute is not in range [0-59]\n');
    const bad = join(dir, 'bad.toml');
    await writeFile(bad, 'models = ["m"]\nsuites = ["no-such-suite"]\nendpoint = "http://127.0.0.1:9"\n');
    const file = await cli('schedule', 'create', '--config', bad, '--cron', '0 2 * * *');
    expect(file.code).toBe(2);
    expect(file.err).toContain(bad);
    const ids = (JSON.parse((await cli('schedule', 'list', '--format', 'json')).out) as Array<{ id: string }>).map((r) => r.id);
    expect(ids).toEqual(['nightshift-nightly']);
    expect(await cli('schedule', 'delete', 'nightshift-nightly')).toMatchObject({ code: 0 });
    const gone = await cli('schedule', 'delete', 'nightshift-nightly');
    expect(gone.code).toBe(2);
    expect(gone.err).toContain('no schedule "nightshift-nightly" (see `nightshift schedule list`)');
  });
});
