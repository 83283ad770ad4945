// `nightshift run` reads the model server's memory: against a simulated endpoint running as its own
// process (a plain server listening on a port, found through that port, or named with --server-pid),
// the envelope gets "before"/"after" memory_snapshots and every result a peak_rss_mb of that process;
// a server that cannot be read (no such process, another host) leaves a line in errors and the run
// still writes its envelope.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../client/cli.js';
import { watchServerMemory } from '../../activities/memory/index.js';
import { runStandalone } from '../../client/run/standalone.js';
import type { Envelope } from '../../workflows/shared/envelope.js';
import { validateEnvelope } from '../../activities/envelope/validate.js';
import { problems, quiet } from '../support/perf-suites.js';

const MODEL = 'sim-mem';
const system = { os: 'test', chip: 'test', memory_gb: 1 };
let dir: string;
let child: ChildProcess | undefined;
let url: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-run-memory-'));
  const config = join(dir, 'sim.toml');
  await writeFile(config, `seed = 1\n[[models]]\nid = "${MODEL}"\npreload = true\nload_ms = 0\nttft_ms = 1\ndecode_tokens_per_second = 5000\nprefill_tokens_per_second = 100000\njitter = 0\n`);
  child = spawn(process.execPath, ['client/bin/nightshift.mjs', 'sim-server', '--plain', '--model', MODEL, '--port', '0', '--config', config], { stdio: ['ignore', 'pipe', 'ignore'] });
  const lines = createInterface({ input: child.stdout! });
  url = await new Promise<string>((resolve, reject) => {
    child!.once('exit', (code) => reject(new Error(`sim-server exited (${code}) before listening`)));
    lines.on('line', (line) => {
      const event = JSON.parse(line) as { event?: string; url?: string };
      if (event.event === 'listening' && event.url) resolve(event.url);
    });
  });
}, 60_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The resident memory of a process right now, MiB (Linux /proc). */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) / 1024;
}

describe('nightshift run: model server memory', () => {
  it.skipIf(process.platform !== 'linux')('finds the sim-server process by the endpoint port: before/after snapshots and peak_rss_mb of that process', async () => {
    const { envelope } = await runStandalone('ttft', {
      endpoint: url,
      model: MODEL,
      promptTokens: [32],
      repeats: 2,
      gitSha: 'abcdef1',
      out: join(dir, 'ttft.json'),
      progress: false,
      system,
      memoryIntervalMs: 20,
    });
    expect(validateEnvelope(envelope).issues).toEqual([]);
    expect(problems(envelope)).toEqual([]);
    expect(envelope.memory_snapshots!.map((s) => s.phase)).toEqual(['before', 'after']);
    const childMb = await rssMb(child!.pid!);
    for (const s of envelope.memory_snapshots!) {
      // The server's process, not this one: within a factor of two of what /proc says for the child.
      expect(s.rss_gb * 1024).toBeGreaterThan(childMb / 2);
      expect(s.rss_gb * 1024).toBeLessThan(childMb * 2);
      expect(s.free_gb).toBeGreaterThan(0);
    }
    const port = new URL(url).port;
    // model_load is not a measurement of the suite: the peak taken while the suite ran does not describe it.
    const measured = envelope.results.filter((r) => r.name !== 'model_load');
    expect(measured.length).toBeGreaterThan(0);
    expect(envelope.results.find((r) => r.name === 'model_load')?.peak_rss_mb).toBeUndefined();
    for (const r of measured) {
      expect(r.peak_rss_mb).toBeGreaterThan(childMb / 2);
      expect(r.peak_rss_mb).toBeLessThan(childMb * 2);
      expect(r.tags?.memory_target).toBe(`listener on port ${port}`);
    }
  });

  it('takes the process from --server-pid; an explicit process that is not there is an errors line, not a failure', async () => {
    const out = join(dir, 'pid.json');
    const run = (...extra: string[]) => quiet(() => main(['run', 'ttft', '--endpoint', url, '--model', MODEL, '--prompt-tokens', '32', '--repeats', '1', '--git-sha', 'abcdef1', '--out', out, '--no-progress', ...extra]));
    expect((await run('--server-pid', String(child!.pid))).value).toBe(0);
    const byPid = JSON.parse(await readFile(out, 'utf8')) as Envelope;
    expect(problems(byPid)).toEqual([]);
    expect(byPid.memory_snapshots).toHaveLength(2);
    expect(byPid.results[0]!.tags?.memory_target).toBe(`pid ${child!.pid}`);
    expect(byPid.results[0]!.peak_rss_mb).toBeGreaterThan(0);

    const gone = spawn(process.execPath, ['-e', '']);
    await once(gone, 'exit');
    const { value, stdout } = await run('--server-pid', String(gone.pid));
    expect(value).toBe(0);
    const missing = JSON.parse(await readFile(out, 'utf8')) as Envelope;
    expect(validateEnvelope(missing).issues).toEqual([]);
    expect(missing.memory_snapshots).toBeUndefined();
    expect(missing.results.length).toBeGreaterThan(0);
    expect(missing.results.every((r) => r.peak_rss_mb === undefined)).toBe(true);
    const line = `memory: model server not read (no running process matches the memory target (pid ${gone.pid})); no memory_snapshots or peak_rss_mb recorded`;
    expect(problems(missing)).toEqual([line]);
    expect(stdout).toContain(`! ${line}`);

    const both = await run('--server-pid', '1', '--server-process', 'llama-server');
    expect(both.value).toBe(2);
    expect(both.stderr).toContain('give either --server-pid or --server-process, not both');
  });

  it.skipIf(process.platform !== 'linux')('looks again on progress for a llama-swap model that was not running at the start', async () => {
    // A llama-swap stand-in: GET /running lists the model (with the command of a real process) only
    // once "loaded" — llama-swap starts a model on its first request, after the "before" reading.
    let cmd: string | undefined;
    const swap = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ running: cmd ? [{ model: 'sim-late', state: 'ready', cmd, proxy: 'http://127.0.0.1:1' }] : [] }));
    });
    await new Promise<void>((r) => swap.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(swap.address() as AddressInfo).port}`;
    const args = ['-e', 'setInterval(()=>{},1000)', 'ns-run-memory-late'];
    let late: ChildProcess | undefined;
    try {
      const watch = await watchServerMemory({ endpoint, model: 'sim-late' }, { target: { llamaSwap: { endpoint, model: 'sim-late' } }, intervalMs: 20 });
      late = spawn(process.execPath, args, { stdio: 'ignore' });
      cmd = [process.execPath, ...args].join(' ');
      await new Promise((r) => setTimeout(r, 100));
      watch.progress();
      await new Promise((r) => setTimeout(r, 100));
      const readings = await watch.stop();
      expect(readings.snapshots.map((s) => s.phase)).toEqual(['after']);
      expect(readings.peakRssMb).toBeGreaterThan(0);
      expect(readings.targetLabel).toBe('llama-swap sim-late');
      expect(readings.errors).toEqual([`memory: no "before" snapshot: llama-swap at ${endpoint} has no running process for model "sim-late" (running: nothing)`]);
    } finally {
      late?.kill();
      swap.closeAllConnections();
      await new Promise((r) => swap.close(r));
    }
  });

  it('says why when the endpoint is on another host, without sampling anything', async () => {
    const watch = await watchServerMemory({ endpoint: 'http://192.0.2.10:8080', model: MODEL }, { hint: '--server-pid/--server-process name a local server process' });
    watch.progress();
    const readings = await watch.stop();
    expect(readings.snapshots).toEqual([]);
    expect(readings.peakRssMb).toBeUndefined();
    expect(readings.errors).toEqual([
      "memory: endpoint 192.0.2.10:8080 is not on this host; the model server's memory cannot be sampled here; no memory_snapshots or peak_rss_mb recorded (--server-pid/--server-process name a local server process)",
    ]);
  });
});
