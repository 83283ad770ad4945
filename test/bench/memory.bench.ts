// npm run bench:memory — what watching the model server's memory costs the client, against the simulated
// endpoint running as its own process (`nightshift sim-server --plain`, found by its pid or by the port it
// listens on, as `nightshift run` finds a local server):
//  (a) CPU per reading: the old way (read the whole process table, and for a port target every
//      process's open sockets, at every sample: `measureTargetRss`, still what a snapshot does) against the
//      sampler's way (the server's own pids only: TreeRss);
//  (b) CPU per second of the peak sampler as `nightshift run` runs it (one sample a second, the tree
//      looked up again every 10 s), over a 20 s window, beside an idle window of the same length.
// Goal: the sampler costs < 1 % of one core. Prints a markdown section; `--write` puts it into
// docs/performance.md.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { measureTargetRss } from '../../activities/memory/snapshot.js';
import { PeakRssSampler } from '../../activities/memory/sampler.js';
import { resolveTarget, type MemoryTarget } from '../../activities/memory/target.js';
import { TREE_REFRESH_MS, TreeRss } from '../../activities/memory/tree-rss.js';
import { machineLine, median, writeSection } from './report.js';

const WINDOW_MS = Number(process.env.WINDOW_MS ?? 20_000);
const OLD_SAMPLES = 30;
const NEW_SAMPLES = 300;
const REFRESH_SAMPLES = 30;

/** CPU ms (user + system) this process spends in `fn`. */
async function cpuMs(fn: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/** Share of one core this process used over `ms` of wall time while `during` ran. */
async function coreShare(ms: number, during: () => Promise<() => Promise<unknown>>): Promise<number> {
  const before = process.cpuUsage();
  const start = performance.now();
  const stop = await during();
  await new Promise((r) => setTimeout(r, ms));
  await stop();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000 / (performance.now() - start);
}

const dir = await mkdtemp(join(tmpdir(), 'ns-bench-memory-'));
const config = join(dir, 'sim.toml');
await writeFile(config, 'seed = 1\n[[models]]\nid = "sim-mem"\npreload = true\nload_ms = 0\n');
const child = spawn(process.execPath, ['client/bin/nightshift.mjs', 'sim-server', '--plain', '--model', 'sim-mem', '--port', '0', '--config', config], { stdio: ['ignore', 'pipe', 'ignore'] });
try {
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`sim-server exited (${code}) before listening`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const event = JSON.parse(line) as { event?: string; url?: string };
      if (event.event === 'listening' && event.url) resolve(event.url);
    });
  });
  const processes = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
  const targets: Array<[string, MemoryTarget]> = [
    ['pid', { pid: child.pid! }],
    ['port', { port: Number(new URL(url).port) }],
  ];
  const rows: string[] = [];
  const shares: number[] = [];
  const idle = await coreShare(WINDOW_MS, () => Promise.resolve(() => Promise.resolve()));
  for (const [kind, target] of targets) {
    const resolved = await resolveTarget(target);
    const old: number[] = [];
    for (let i = 0; i < OLD_SAMPLES; i++) old.push(await cpuMs(() => measureTargetRss(resolved)));
    const tree = new TreeRss(resolved);
    const first = await cpuMs(() => tree.read()); // finds the tree: one full search
    const cheap: number[] = [];
    for (let i = 0; i < NEW_SAMPLES; i++) cheap.push(await cpuMs(() => tree.read()));
    // A reader that refreshes at every reading: the cost of one periodic refresh (table read, roots kept).
    const refreshing = new TreeRss(resolved, 0);
    await refreshing.read();
    const refresh: number[] = [];
    for (let i = 0; i < REFRESH_SAMPLES; i++) refresh.push(await cpuMs(() => refreshing.read()));
    // CPU per second at one reading a second and one refresh every TREE_REFRESH_MS.
    const perSecondMs = median(cheap) + median(refresh) / (TREE_REFRESH_MS / 1000);
    const share = await coreShare(WINDOW_MS, async () => {
      const sampler = new PeakRssSampler(target, { intervalMs: 1000 });
      await sampler.start();
      return () => sampler.stop();
    });
    rows.push(
      `| ${resolved.label} | ${median(old).toFixed(2)} (→ ${(median(old) / 10).toFixed(1)} %) | ${first.toFixed(1)} | ${median(cheap).toFixed(3)} | ${median(refresh).toFixed(1)} | ${(perSecondMs / 10).toFixed(2)} % | ${(share * 100).toFixed(2)} % |`,
    );
    shares.push(perSecondMs / 1000);
    process.stderr.write(`${kind}: done\n`);
  }
  const met = shares.every((s) => s < 0.01);
  const section = `## Memory sampler (\`npm run bench:memory\`)

${machineLine()} ${processes} processes on the host.

The peak-RSS sampler of \`nightshift run\` (and of the sweep's suite activity) watching the simulated
endpoint running as its own process, found by its pid and by the port it listens on. CPU ms are the
client's CPU time (user + system) for one reading, medians of ${OLD_SAMPLES} old-way, ${NEW_SAMPLES} new-way and ${REFRESH_SAMPLES} refresh
readings; the share of a core at the sampler's rate (one reading a second, a refresh every ${TREE_REFRESH_MS / 1000} s) is
CPU ms per second ÷ 10. "Window" is the client process's whole CPU over ${WINDOW_MS / 1000} s with the sampler running
as \`nightshift run\` runs it; the same process idle for the same window used ${(idle * 100).toFixed(2)} % (timers, the sim's
pipe), so window differences smaller than that are noise.

| target | old: whole table every reading, CPU ms (→ share at 1/s) | new: first reading (finds the tree), CPU ms | new: later reading, CPU ms | new: refresh (table read), CPU ms | new: share of a core (1 reading/s + refresh/${TREE_REFRESH_MS / 1000} s) | window: process CPU share |
|---|---|---|---|---|---|---|
${rows.join('\n')}

Goal: the sampler costs < 1 % of one core — ${met ? 'met' : 'NOT met'}. The old way read every process on the host at
every sample (and, for a port target, every process's open sockets); the sampler now reads the server's
own processes only (\`/proc/<pid>/status\`; one \`ps -p\` on macOS, not measured here) and reads the
process table again every 10 s, or at once when one of its processes has gone.
`;
  process.stdout.write(`${section}\n`);
  if (process.argv.includes('--write')) writeSection('memory', section);
} finally {
  child.kill('SIGTERM');
  await rm(dir, { recursive: true, force: true });
}
