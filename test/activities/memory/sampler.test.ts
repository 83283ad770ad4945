// Real sampling on this machine: child processes we spawn, found by PID, by name and by command line,
// with the RSS of a whole tree (a parent that spawned the memory-hungry child) summed.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { memorySnapshot, PeakRssSampler, readSystemMemory } from '../../../activities/memory/index.js';
import { MemoryTargetNotFoundError, resolveTarget } from '../../../activities/memory/target.js';
import { TreeRss } from '../../../activities/memory/tree-rss.js';
import { validateEnvelope } from '../../../activities/envelope/validate.js';

const children: ChildProcess[] = [];
const groups: number[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const pgid of groups.splice(0)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

// A node process that holds `mb` MiB of touched memory once it reads "grow" on stdin, and prints
// "ready"/"grown" so the test waits on events, not on time.
function hog(marker: string): { child: ChildProcess; grow: (mb: number) => Promise<void> } {
  const script = `
    const held = [];
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (line) => {
      const mb = Number(line.trim());
      for (let i = 0; i < mb; i++) held.push(Buffer.alloc(1024 * 1024, 1));
      process.stdout.write('grown\\n');
    });
    process.stdout.write('ready\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['-e', script, marker], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  const lines: string[] = [];
  const waiters: Array<[string, () => void]> = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n').filter(Boolean)) {
      lines.push(line);
      const i = waiters.findIndex(([want]) => want === line);
      if (i >= 0) waiters.splice(i, 1)[0]![1]();
    }
  });
  const waitFor = (want: string) =>
    new Promise<void>((resolve) => {
      const at = lines.indexOf(want);
      if (at >= 0) {
        lines.splice(at, 1);
        resolve();
      } else waiters.push([want, resolve]);
    });
  const ready = waitFor('ready');
  return {
    child,
    grow: async (mb) => {
      await ready;
      child.stdin.write(`${mb}\n`);
      await waitFor('grown');
    },
  };
}

describe('memory snapshots of a real process', () => {
  it('reports RSS, available memory and swap with schema-valid fields', async () => {
    const { child, grow } = hog(`ns-mem-${randomUUID()}`);
    await grow(64);
    const snap = await memorySnapshot('loaded', { pid: child.pid! });
    expect(snap.phase).toBe('loaded');
    expect(snap.rss_gb).toBeGreaterThan(64 / 1024);
    expect(snap.free_gb).toBeGreaterThan(0);
    expect(snap.swap_mb).toBeGreaterThanOrEqual(0);
    if (process.platform === 'darwin') expect(snap.wired_gb).toBeGreaterThan(0);
    else expect(snap).not.toHaveProperty('wired_gb');
    const verdict = validateEnvelope({
      schema_version: '1',
      timestamp: '2026-11-23T02:00:00Z',
      git_sha: 'abcdef1',
      trigger: 'local',
      suite: 'throughput',
      model: 'sim-qwen-9b-4bit',
      system: { os: 'x', chip: 'y', memory_gb: 1 },
      results: [{ name: 'x', metric: 'x', value: 1, unit: 'x' }],
      memory_snapshots: [snap],
    });
    expect(verdict.issues).toEqual([]);
  });

  it('finds the target by a process name (a word of its command line) and by command line', async () => {
    const marker = `ns-mem-${randomUUID()}`;
    const { child, grow } = hog(marker);
    await grow(32);
    const byName = await memorySnapshot('named', { processName: marker });
    expect(byName.rss_gb).toBeGreaterThan(32 / 1024);
    // A command line like llama-swap's `cmd` (program resolved through PATH, so only its basename).
    const args = child.spawnargs.slice(1).map((a) => `'${a.replace(/'/g, `'\\''`)}'`);
    const byCommand = await memorySnapshot('cmd', { command: ['node', ...args].join(' ') });
    expect(byCommand.rss_gb).toBeGreaterThan(32 / 1024);
  });

  it('sums the whole process tree under the root', async () => {
    const marker = `ns-tree-${randomUUID()}`;
    // A shell parent (tiny) whose child holds the memory: the parent's tree must include it. The parent
    // leads its own process group so the test can end both by that id.
    const inner = `const b = Buffer.alloc(96 * 1024 * 1024, 1); process.stdout.write('grown\\n'); setInterval(() => b[0]++, 1000);`;
    const parent = spawn('sh', ['-c', `"$NODE" -e "$HOG" ${marker} & wait`], {
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
      env: { ...process.env, NODE: process.execPath, HOG: inner },
    });
    groups.push(parent.pid!);
    await once(parent.stdout, 'data');
    const tree = await memorySnapshot('tree', { pid: parent.pid! });
    expect(tree.rss_gb).toBeGreaterThan(96 / 1024);
    const childOnly = await memorySnapshot('child', { processName: marker });
    expect(tree.rss_gb).toBeGreaterThan(childOnly.rss_gb); // the shell's own RSS is added
  });

  it('finds the process listening on a port (a plain server\'s endpoint port), never the sampler itself', async () => {
    const script = `const s = require('node:net').createServer().listen(0, '127.0.0.1', () => process.stdout.write(s.address().port + '\\n'));`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
    const port = Number(chunk.toString().trim());
    const snap = await memorySnapshot('port', { port });
    expect(snap.rss_gb).toBeGreaterThan(0.005);
    // llama-swap's fallback: the command line no longer matches (e.g. a launcher exec'd), its proxy port does.
    const viaFallback = await memorySnapshot('fallback', {
      kind: 'command',
      commands: [['no-such-launcher', 'serve']],
      ports: [port],
      label: 'test',
    });
    expect(viaFallback.rss_gb).toBeGreaterThan(0.005);

    const own = createServer().listen(0, '127.0.0.1');
    await once(own, 'listening');
    const ownPort = (own.address() as { port: number }).port;
    await expect(memorySnapshot('self', { port: ownPort })).rejects.toBeInstanceOf(MemoryTargetNotFoundError);
    own.close();
  });

  it('says clearly when no process matches', async () => {
    await expect(memorySnapshot('x', { processName: `no-such-${randomUUID()}` })).rejects.toBeInstanceOf(
      MemoryTargetNotFoundError,
    );
  });

  it('reads system memory', async () => {
    const mem = await readSystemMemory();
    expect(mem.availableBytes).toBeGreaterThan(0);
    expect(mem.swapUsedBytes).toBeGreaterThanOrEqual(0);
  });
});

describe('PeakRssSampler', () => {
  it('reports the peak reached while sampling, not the final value', async () => {
    const marker = `ns-peak-${randomUUID()}`;
    const script = `
      let held = [];
      process.stdin.setEncoding('utf8');
      process.stdin.on('data', (cmd) => {
        if (cmd.trim() === 'grow') for (let i = 0; i < 160; i++) held.push(Buffer.alloc(1024 * 1024, 1));
        if (cmd.trim() === 'free') { held = []; globalThis.gc?.(); }
        process.stdout.write(cmd.trim() + '-done\\n');
      });
      process.stdout.write('ready\\n');
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ['--expose-gc', '-e', script, marker], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(child);
    const out = child.stdout.setEncoding('utf8');
    const next = (want: string) =>
      new Promise<void>((resolve) => {
        const on = (chunk: string) => {
          if (chunk.includes(want)) {
            out.off('data', on);
            resolve();
          }
        };
        out.on('data', on);
      });
    await next('ready');
    const sampler = new PeakRssSampler({ processName: marker }, { intervalMs: 20 });
    await sampler.start();
    const before = sampler.peakRssMb!;
    const grown = next('grow-done');
    child.stdin.write('grow\n');
    await grown;
    // Let at least one timed sample see the grown process before the memory is dropped.
    const seen = sampler.report().samples;
    while (sampler.report().samples < seen + 2) await new Promise((r) => setTimeout(r, 10));
    const freed = next('free-done');
    child.stdin.write('free\n');
    await freed;
    const report = await sampler.stop();
    expect(report.peak_rss_mb).toBeGreaterThan(before + 120);
    expect(report.misses).toBe(0);
    expect(report.errors).toEqual([]);
    expect(report.samples).toBeGreaterThanOrEqual(3);
  });

  it('counts misses instead of failing when the process goes away', async () => {
    const marker = `ns-gone-${randomUUID()}`;
    const { child, grow } = hog(marker);
    await grow(8);
    const sampler = new PeakRssSampler({ processName: marker }, { intervalMs: 20 });
    await sampler.start();
    child.kill('SIGKILL');
    await once(child, 'exit');
    const report = await sampler.stop();
    expect(report.peak_rss_mb).toBeGreaterThan(8);
    expect(report.misses).toBeGreaterThanOrEqual(1);
    expect(report.errors.join('\n')).toMatch(/no running process matches/);
  });

  it('reads the process table once, then only the server\'s own processes at every sample', async () => {
    const marker = `ns-cheap-${randomUUID()}`;
    const { grow } = hog(marker);
    await grow(16);
    for (const target of [{ processName: marker }, await portTarget()]) {
      const sampler = new PeakRssSampler(target, { intervalMs: 10 });
      await sampler.start();
      while (sampler.report().samples < 8) await new Promise((r) => setTimeout(r, 10));
      const report = await sampler.stop();
      expect(report.peak_rss_mb).toBeGreaterThan(0);
      expect(report.misses).toBe(0);
      expect(report.tableReads).toBe(1);
    }
  });
});

describe('TreeRss', () => {
  it('looks the tree up again when one of its processes is gone, and finds a restarted server', async () => {
    const marker = `ns-restart-${randomUUID()}`;
    // A root (a node process that reaps its children) with a memory-holding child; a long refresh period
    // so only a vanished pid can make the reader look again.
    const inner = `const b = Buffer.alloc(48 * 1024 * 1024, 1); process.stdout.write('grown\\n'); setInterval(() => b[0]++, 1000);`;
    const root = `require('node:child_process').spawn(process.execPath, ['-e', process.env.HOG, process.argv[1] + '-child'], { stdio: ['ignore', 'inherit', 'inherit'] }); setInterval(() => {}, 1000);`;
    const start = (): ChildProcess => {
      const parent = spawn(process.execPath, ['-e', root, marker], { stdio: ['ignore', 'pipe', 'inherit'], detached: true, env: { ...process.env, HOG: inner } });
      groups.push(parent.pid!);
      return parent;
    };
    const first = start();
    await waitForLine(first, 'grown');
    const reader = new TreeRss(await resolveTarget({ pid: first.pid! }), Number.POSITIVE_INFINITY);
    const whole = await reader.read();
    expect(whole.pids).toHaveLength(2);
    expect(whole.rssBytes).toBeGreaterThan(48 * 1024 * 1024);
    await reader.read();
    expect(reader.tableReads).toBe(1);

    // The child exits: the next read notices, looks again, and reads the shell alone.
    process.kill(whole.pids.find((p) => p !== first.pid)!, 'SIGKILL');
    while ((await reader.read()).pids.length !== 1) await new Promise((r) => setTimeout(r, 10));
    expect(reader.tableReads).toBeGreaterThanOrEqual(2);

    // A named server that restarts under a new pid is found again by the full search.
    const byName = new TreeRss(await resolveTarget({ processName: `${marker}-child` }), Number.POSITIVE_INFINITY);
    await expect(byName.read()).rejects.toBeInstanceOf(MemoryTargetNotFoundError);
    const second = start();
    await waitForLine(second, 'grown');
    expect((await byName.read()).rssBytes).toBeGreaterThan(48 * 1024 * 1024);
  });
});

/** A child listening on a port, as a port target (a plain server found through the endpoint's port). */
async function portTarget(): Promise<{ port: number }> {
  const script = `const s = require('node:net').createServer().listen(0, '127.0.0.1', () => process.stdout.write(s.address().port + '\\n'));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  return { port: Number(chunk.toString().trim()) };
}

function waitForLine(child: ChildProcess, want: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      seen += text;
      if (seen.split('\n').includes(want)) resolve();
    });
  });
}
