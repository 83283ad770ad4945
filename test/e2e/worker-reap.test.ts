// A host worker's start reaps the external tools' process groups that a dead worker left behind
// (workers/run.ts → reapOrphans), logs each, and leaves the groups of live workers alone. Deterministic
// counterpart of the lm-eval sweep test, where the orphan often ends by itself before the reap.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupAlive, registerGroup } from '../../activities/suites/external/process-registry.js';
import { startWorkers } from '../../workers/run.js';
import { startHarness, type Harness } from '../workflows/harness.js';

const logs: string[] = [];
let h: Harness | undefined;
let dir: string;

beforeAll(async () => {
  // Installed before the harness (which keeps the first installed runtime): capture the worker's log lines.
  Runtime.install({ logger: new DefaultLogger('INFO', (entry) => logs.push(entry.message)) });
  h = await startHarness();
  dir = await mkdtemp(join(tmpdir(), 'ns-worker-reap-'));
});

afterAll(async () => {
  await h?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('host worker start', { timeout: 60_000 }, () => {
  it('kills orphaned tool groups of dead workers and logs them; keeps live workers\' groups', async () => {
    const registryDir = join(dir, 'pids');
    const deadOwner = Number(spawnSync('bash', ['-c', 'echo $$'], { encoding: 'utf8' }).stdout.trim());
    const orphan = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
    orphan.unref();
    const kept = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
    kept.unref();
    const orphanPid = orphan.pid ?? 0;
    const keptPid = kept.pid ?? 0;
    registerGroup(registryDir, { pgid: orphanPid, ownerPid: deadOwner, command: 'sleep 300', startedAt: new Date().toISOString() });
    registerGroup(registryDir, { pgid: keptPid, ownerPid: process.ppid, command: 'sleep 300', startedAt: new Date().toISOString() });
    try {
      const workers = await startWorkers({ target: h!.target, host: true, orchestration: false, hostQueue: `reap-${process.pid}`, registryDir, dataDir: join(dir, 'data') });
      await workers.shutdown();
      for (let i = 0; i < 100 && groupAlive(orphanPid); i++) await new Promise((r) => setTimeout(r, 20));
      expect(groupAlive(orphanPid)).toBe(false);
      expect(groupAlive(keptPid)).toBe(true);
      expect(await readdir(registryDir)).toEqual([`${keptPid}.json`]);
      expect(logs.filter((l) => l.includes('tool process group'))).toEqual([
        expect.stringMatching(new RegExp(`^reaped orphaned tool process group ${orphanPid} of dead worker ${deadOwner} .*: sleep 300$`)),
      ]);
    } finally {
      if (groupAlive(keptPid)) process.kill(-keptPid, 'SIGKILL');
      if (groupAlive(orphanPid)) process.kill(-orphanPid, 'SIGKILL');
    }
  });
});
