// npm run bench:cli — what one `nightshift` call costs to start: CPU (user + system) and wall time of
// `nightshift --help` and `nightshift validate FILE` from the compiled CLI (dist/, what the installed
// command runs), the same from the TypeScript sources through tsx (what it ran before the build step),
// and a bare `node -e 0` beside them, 10 runs each, min / median / max. CPU is the child's own
// getrusage, reported from inside it at exit. Goal: ≤ 0.3 s CPU for --help and validate from dist/.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineLine, median, writeSection } from './report.js';

const RUNS = Number(process.env.RUNS ?? 10);
const scratch = mkdtempSync(join(tmpdir(), 'ns-bench-cli-'));
// Loaded with --import into each child: prints the process's whole CPU use when it exits.
const reporter = join(scratch, 'report-cpu.mjs');
writeFileSync(
  reporter,
  "import { appendFileSync } from 'node:fs';\nprocess.on('exit', () => { const u = process.cpuUsage(); appendFileSync(process.env.BENCH_CPU_FILE, `${(u.user + u.system) / 1000}\\n`); });\n",
);
const envelope = join(process.cwd(), 'test', 'fixtures', 'envelopes', 'full.valid.json');

const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
if (build.status !== 0) throw new Error('npm run build failed');

interface Case {
  label: string;
  args: string[];
  env?: Record<string, string>;
}
const bin = join(process.cwd(), 'client', 'bin', 'nightshift.mjs');
const cases: Case[] = [
  { label: '`node -e 0` (bare Node start)', args: ['-e', '0'] },
  { label: '`nightshift --help` (dist/)', args: [bin, '--help'] },
  { label: '`nightshift validate FILE` (dist/)', args: [bin, 'validate', envelope] },
  { label: '`nightshift --help` (sources through tsx)', args: [bin, '--help'], env: { NIGHTSHIFT_FROM_SOURCE: '1' } },
  { label: '`nightshift validate FILE` (sources through tsx)', args: [bin, 'validate', envelope], env: { NIGHTSHIFT_FROM_SOURCE: '1' } },
];
// Optionally an older checkout side by side (e.g. a worktree of the commit before the build step).
const baseline = process.env.BENCH_BASELINE_DIR;
if (baseline) cases.push({ label: `\`nightshift --help\` (${process.env.BENCH_BASELINE_LABEL ?? baseline})`, args: [join(baseline, 'client', 'bin', 'nightshift.mjs'), '--help'] });

const rows: string[] = [];
const results = new Map<string, { cpu: number[]; wall: number[] }>();
for (const c of cases) results.set(c.label, { cpu: [], wall: [] });
// Interleaved, so a burst of other load on the 2 cores touches every case alike.
for (let run = 0; run < RUNS; run++) {
  for (const c of cases) {
    const cpuFile = join(scratch, 'cpu.txt');
    rmSync(cpuFile, { force: true });
    const started = performance.now();
    const child = spawnSync(process.execPath, ['--import', reporter, ...c.args], { env: { ...process.env, ...c.env, BENCH_CPU_FILE: cpuFile }, encoding: 'utf8' });
    const wall = performance.now() - started;
    if (child.status !== 0) throw new Error(`${c.label} exited ${child.status}: ${child.stderr}`);
    const r = results.get(c.label)!;
    r.wall.push(wall);
    r.cpu.push(Number(readFileSync(cpuFile, 'utf8').trim()));
  }
}
const fmt = (xs: number[]) => `${Math.min(...xs).toFixed(0)} / ${median(xs).toFixed(0)} / ${Math.max(...xs).toFixed(0)}`;
for (const c of cases) {
  const r = results.get(c.label)!;
  rows.push(`| ${c.label} | ${fmt(r.cpu)} | ${fmt(r.wall)} |`);
}
const worst = Math.max(median(results.get(cases[1]!.label)!.cpu), median(results.get(cases[2]!.label)!.cpu));
rmSync(scratch, { recursive: true, force: true });

const section = `## CLI start-up (\`npm run bench:cli\`)

${machineLine()} ${RUNS} runs per case, interleaved.

| call | CPU ms (min / median / max) | wall ms (min / median / max) |
|---|---|---|
${rows.join('\n')}

Goal: \`--help\` and \`validate FILE\` from dist/ in ≤ 0.3 s of CPU — ${worst <= 300 ? 'met' : 'NOT met'} (worst median ${worst.toFixed(0)} ms).
The installed command runs dist/ (built by \`npm install\`'s \`prepare\`); each command's modules load only when
that command runs, so \`--help\` loads commander and the command declarations, never the worker SDK, DuckDB or ajv.`;
console.log(section);
if (process.argv.includes('--write')) writeSection('cli', section);
