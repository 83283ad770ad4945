// The subprocess runner with real processes: exit codes, log tails, progress lines, killing a whole
// process group (grandchildren included) on abort and timeout, and reaping orphans by pid file.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv } from '../../../activities/suites/external/clean-env.js';
import { groupAlive, isAlive, reapOrphans, registerGroup } from '../../../activities/suites/external/process-registry.js';
import { ExternalToolError, runTool } from '../../../activities/suites/external/run-tool.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-run-tool-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const base = () => ({
  tool: 'test-tool',
  command: 'bash',
  cwd: dir,
  env: cleanEnv(),
  logPath: join(dir, 'logs', 'run.log'),
  registryDir: join(dir, 'pids'),
  killGraceMs: 500,
});

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('runTool', () => {
  it('logs output, reports lines including \\r-rewritten progress states, and unregisters the group', async () => {
    const lines: string[] = [];
    const result = await runTool({
      ...base(),
      args: ['-c', 'printf "Requesting API:  50%%|#    | 1/2 [00:01]\\rRequesting API: 100%%|#####| 2/2 [00:02]\\n"; echo done >&2'],
      onLine: (l) => lines.push(l),
    });
    expect(result.exitCode).toBe(0);
    expect(lines).toContain('Requesting API:  50%|#    | 1/2 [00:01]');
    expect(lines).toContain('Requesting API: 100%|#####| 2/2 [00:02]');
    expect(lines).toContain('done');
    expect(await readFile(result.logPath, 'utf8')).toContain('done');
    expect(await readdir(join(dir, 'pids'))).toEqual([]);
  });

  it('fails on a non-zero exit with the last log lines (progress bars left out)', async () => {
    const run = runTool({
      ...base(),
      args: ['-c', 'for i in $(seq 1 50); do echo line-$i; done; printf "x: 10%%|#| 1/10 [0]\\n"; echo "ValueError: no such task" >&2; exit 3'],
      tailLines: 5,
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExternalToolError);
    const failure = error as ExternalToolError;
    expect(failure.toolExitCode).toBe(3);
    expect(failure.message).toContain('exited with code 3');
    expect(failure.message).toContain('ValueError: no such task');
    expect(failure.logTail).toHaveLength(5);
    expect(failure.logTail).not.toContain('line-1');
    expect(failure.logTail.some((l) => l.includes('1/10'))).toBe(false);
  });

  it('reports a command that cannot start', async () => {
    await expect(runTool({ ...base(), command: join(dir, 'no-such-binary'), args: [] })).rejects.toThrow(/could not start/);
  });

  it('kills the whole process group, grandchildren included, on abort', async () => {
    const controller = new AbortController();
    let grandchild = 0;
    const run = runTool({
      ...base(),
      args: ['-c', 'sleep 300 & echo "child $!"; wait'],
      signal: controller.signal,
      onLine: (l) => {
        const m = /^child (\d+)$/.exec(l);
        if (m) {
          grandchild = Number(m[1]);
          controller.abort(new Error('cancelled by test'));
        }
      },
    });
    await expect(run).rejects.toThrow('cancelled by test');
    expect(grandchild).toBeGreaterThan(0);
    await waitFor(() => !isAlive(grandchild), 'grandchild to die');
    expect(await readdir(join(dir, 'pids'))).toEqual([]);
  });

  it('kills the group when the timeout passes, also when the tool ignores SIGTERM', async () => {
    const run = runTool({ ...base(), args: ['-c', 'trap "" TERM; echo started; sleep 300 & wait; sleep 300'], timeoutMs: 300 });
    const error = (await run.catch((e: unknown) => e)) as ExternalToolError;
    expect(error).toBeInstanceOf(ExternalToolError);
    expect(error.message).toMatch(/exceeded its timeout/);
    expect(error.message).toContain('started');
  });
});

describe('reapOrphans', () => {
  it('kills groups whose owner died, keeps groups of live owners, drops stale files', async () => {
    const registry = join(dir, 'pids');
    // An orphan: a detached group whose registered owner is a process that has already exited.
    const orphan = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
    orphan.unref();
    const deadOwner = spawnSync('bash', ['-c', 'echo $$'], { encoding: 'utf8' });
    const deadPid = Number(deadOwner.stdout.trim());
    const orphanPid = orphan.pid ?? 0;
    registerGroup(registry, { pgid: orphanPid, ownerPid: deadPid, command: 'sleep 300', startedAt: new Date().toISOString() });
    // A group owned by a live process (our parent) stays.
    const kept = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
    kept.unref();
    const keptPid = kept.pid ?? 0;
    registerGroup(registry, { pgid: keptPid, ownerPid: process.ppid, command: 'sleep 300', startedAt: new Date().toISOString() });
    // A file for a group that no longer exists.
    registerGroup(registry, { pgid: deadPid, ownerPid: deadPid, command: 'gone', startedAt: new Date().toISOString() });
    await writeFile(join(registry, 'garbage.json'), '{not json');

    try {
      const report = reapOrphans(registry);
      expect(report.killed.map((e) => e.pgid)).toEqual([orphanPid]);
      expect(report.kept.map((e) => e.pgid)).toEqual([keptPid]);
      expect(report.stale.map((e) => e.pgid)).toEqual([deadPid]);
      await waitFor(() => !groupAlive(orphanPid), 'orphan group to die');
      expect(groupAlive(keptPid)).toBe(true);
      expect(await readdir(registry)).toEqual([`${keptPid}.json`]);
    } finally {
      process.kill(-keptPid, 'SIGKILL');
      if (groupAlive(orphanPid)) process.kill(-orphanPid, 'SIGKILL');
    }
  });

  it('runTool reaps orphans of dead workers before it starts a tool', async () => {
    const registry = join(dir, 'pids');
    const orphan = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
    orphan.unref();
    const pid = orphan.pid ?? 0;
    const deadOwner = Number(spawnSync('bash', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim());
    registerGroup(registry, { pgid: pid, ownerPid: deadOwner, command: 'sleep 300', startedAt: '' });
    try {
      const result = await runTool({ ...base(), args: ['-c', 'true'] });
      await waitFor(() => !groupAlive(pid), 'orphan group to die');
      expect(await readFile(result.logPath, 'utf8')).toContain(`killed orphan process group ${pid}`);
    } finally {
      if (groupAlive(pid)) process.kill(-pid, 'SIGKILL');
    }
  });

  it('leaves a pid alone that now runs a different command than the one registered', () => {
    const registry = join(dir, 'pids');
    const other = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
    other.unref();
    const pid = other.pid ?? 0;
    registerGroup(registry, { pgid: pid, ownerPid: 999_999_999, command: 'python -m lm_eval', startedAt: '' });
    try {
      const report = reapOrphans(registry);
      expect(report.killed).toEqual([]);
      expect(groupAlive(pid)).toBe(true);
    } finally {
      process.kill(-pid, 'SIGKILL');
    }
  });
});

describe('cleanEnv', () => {
  const from = { PATH: '/bin', HOME: '/h', HF_TOKEN: 'secret', TEMPORAL_API_KEY: 'k', AWS_SECRET_ACCESS_KEY: 'a' };
  it('passes only the allow-list and switches the hub off by default', () => {
    const env = cleanEnv({ from });
    expect(env.PATH).toBe('/bin');
    expect(env.HF_TOKEN).toBeUndefined();
    expect(env.TEMPORAL_API_KEY).toBeUndefined();
    expect(env.AWS_SECRET_ACCESS_KEY).toBeUndefined();
    expect(env.HF_HUB_OFFLINE).toBe('1');
    expect(env.HF_DATASETS_OFFLINE).toBe('1');
  });
  it('passes the HF token only when the tool needs the hub', () => {
    const env = cleanEnv({ from, allowHub: true, extra: { X: '1' } });
    expect(env.HF_TOKEN).toBe('secret');
    expect(env.HF_HUB_OFFLINE).toBeUndefined();
    expect(env.X).toBe('1');
  });
});
