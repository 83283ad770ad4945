// `npm run bench:publish`: publish throughput and leaderboard latency over 1,000 and 10,000 shards.
// Not part of `npm test` (vitest excludes test/bench). Prints a markdown section with machine, date and
// figures; `--write` puts it into docs/performance.md between the publish markers (replacing an earlier
// run). BENCH_SMALL / BENCH_LARGE / BENCH_CONCURRENCY change the shard counts (default 1,000 and
// 10,000) and the batch concurrency (default 8).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Envelope } from '../../workflows/shared/envelope.js';
import { publishEnvelope, publishEnvelopes } from '../../activities/publish/publish.js';
import { leaderboard } from '../../activities/dataset/query.js';
import { REINDEX_AFTER } from '../../activities/dataset/index-file.js';
import { latestPerGroup } from '../../activities/dataset/latest-per-group.js';
import { withConnection } from '../../activities/dataset/duckdb.js';
import { planShard } from '../../activities/publish/plan.js';
import { writeParquet } from '../../activities/publish/parquet.js';
import { flushDirectory } from '../../activities/publish/local-target.js';
import { open, unlink } from 'node:fs/promises';

const MODELS = 20;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SUITES = ['throughput', 'ttft', 'reasoning', 'coding', 'knowledge'] as const;

/** Envelope number `i`: distinct content, 20 models × 5 suites, 4 results each, dates spread over a year. */
export function benchEnvelope(i: number): Envelope {
  const suite = SUITES[i % SUITES.length]!;
  return {
    schema_version: '1',
    timestamp: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
    git_sha: (0xabcdef1 + (i % 97)).toString(16),
    trigger: 'schedule',
    suite,
    model: `bench-org/model-${i % MODELS}-4bit`,
    quantization: 'mlx-4bit',
    gen_kwargs: { max_gen_toks: 256, temperature: 0 },
    system: { os: 'macOS 15.3.2', chip: 'Apple M4 Max', memory_gb: 128, kernel: '24.3.0' },
    results: Array.from({ length: 4 }, (_, r) => ({
      name: `${suite}_case_${r}`,
      metric: r % 2 ? 'latency' : 'score',
      value: ((i * 7919 + r * 104729) % 1000) / 10,
      unit: r % 2 ? 'ms' : 'ratio',
      duration_seconds: 1 + (i % 50),
      tags: { run: String(i), case: String(r) },
    })),
    memory_snapshots: [{ phase: 'after', rss_gb: 6 + (i % 10) / 10 }],
    errors: [],
  };
}

/** Publishes envelopes from..to-1; concurrency 1 is one publishEnvelope after another (the activity's
 * path), more goes through publishEnvelopes (backfills). Returns envelopes per second. */
async function publishMany(dir: string, from: number, to: number, concurrency: number): Promise<number> {
  const envelopes = Array.from({ length: to - from }, (_, k) => benchEnvelope(from + k));
  const started = performance.now();
  let outcomes;
  if (concurrency === 1) {
    outcomes = [];
    for (const e of envelopes) outcomes.push(await publishEnvelope(e, { datasetDir: dir }));
  } else {
    outcomes = await publishEnvelopes(envelopes, { datasetDir: dir }, concurrency);
  }
  const elapsed = performance.now() - started;
  if (outcomes.some((o) => o.status !== 'written')) throw new Error('an envelope was not written');
  return ((to - from) / elapsed) * 1000;
}

/** Where one shard's time goes: mean ms per phase over `n` envelopes written to scratch files. */
async function phaseBreakdown(dir: string, n = 100): Promise<Record<string, number>> {
  const totals = { plan: 0, write: 0, fsync: 0, dirFlush: 0 };
  for (let i = 0; i < n; i++) {
    const [plan, planMs] = await timed(() => Promise.resolve(planShard(benchEnvelope(1_000_000 + i))));
    const file = join(dir, `phase-${i}.parquet`);
    const [, writeMs] = await timed(() => writeParquet(plan.rows, file));
    const [, fsyncMs] = await timed(async () => {
      const handle = await open(file, 'r');
      await handle.sync();
      await handle.close();
    });
    const [, dirMs] = await timed(() => flushDirectory(dir));
    totals.plan += planMs;
    totals.write += writeMs;
    totals.fsync += fsyncMs;
    totals.dirFlush += dirMs;
    await unlink(file);
  }
  return Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, Math.round((v / n) * 10) / 10]));
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, performance.now() - started];
}

/** Leaderboard timings: the first query (cold: builds the index when the shards are new) and the
 * median of five more (warm). */
async function timeLeaderboard(dir: string, runs = 5): Promise<{ coldMs: number; warmMs: number; rows: number }> {
  const [rows, coldMs] = await timed(() => leaderboard({ datasetDir: dir }));
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) warm.push((await timed(() => leaderboard({ datasetDir: dir })))[1]);
  warm.sort((a, b) => a - b);
  return { coldMs: Math.round(coldMs), warmMs: Math.round(warm[Math.floor(warm.length / 2)]!), rows: rows.length };
}

/** The same leaderboard straight over every shard file, without the index (what the index replaces). */
async function directLeaderboardMs(dir: string): Promise<number> {
  const [, ms] = await timed(() =>
    withConnection(async (c) => {
      const rule = latestPerGroup();
      const s = await c.prepare(`SELECT model, suite, name, metric, value FROM read_parquet($1) WHERE ${rule.candidates} ${rule.qualify}`);
      s.bindVarchar(1, join(dir, 'data', '*.parquet'));
      return (await s.runAndReadAll()).getRowObjectsJson();
    }),
  );
  return Math.round(ms);
}

async function main(): Promise<void> {
  const small = Number(process.env.BENCH_SMALL ?? 1_000);
  const large = Number(process.env.BENCH_LARGE ?? 10_000);
  const dir = await mkdtemp(join(tmpdir(), 'ns-bench-publish-'));
  try {
    const sequential = await publishMany(dir, 0, Math.min(small, 300), 1);
    const batch = await publishMany(dir, Math.min(small, 300), small, CONCURRENCY);
    const directSmall = await directLeaderboardMs(dir);
    const atSmall = await timeLeaderboard(dir);
    const concurrent = await publishMany(dir, small, large, CONCURRENCY);
    const directLarge = await directLeaderboardMs(dir);
    const atLarge = await timeLeaderboard(dir);
    // A few shards newer than the index: read directly beside it.
    await publishMany(dir, large, large + 50, 1);
    const afterNewMs = Math.round((await timed(() => leaderboard({ datasetDir: dir })))[1]);
    const scratch = await mkdtemp(join(tmpdir(), 'ns-bench-phases-'));
    const phases = await phaseBreakdown(scratch).finally(() => rm(scratch, { recursive: true, force: true }));
    const load = loadavg()[0]!.toFixed(1);
    const bestRate = Math.max(sequential, batch, concurrent);
    const verdict = [
      `Leaderboard goal (< 1 s over ${large} shards): ${atLarge.warmMs < 1000 ? 'met' : 'not met'} once the index exists (${atLarge.warmMs} ms;`,
      `DuckDB straight over the files takes ${directLarge} ms, which is why the index exists). The first query after`,
      `many new shards pays for reading them once (${atLarge.coldMs} ms here); later shards are read beside the index`,
      `until ${REINDEX_AFTER} accumulate. Publish goal (≥ 200 envelopes/s): ${bestRate >= 200 ? 'met' : 'not met'} on this`,
      `run (best ${Math.round(bestRate)}/s). Per shard, the DuckDB COPY of the 42-column row set and the two fsyncs are`,
      'almost all of the time (breakdown above); the flushes are what make a published shard survive a crash,',
      'so they stay. Batches (`publishEnvelopes`) overlap one shard\'s flushes with the next one\'s COPY.',
    ].join('\n');
    const section = `<!-- publish:start -->
## Publish and leaderboard (\`npm run bench:publish\`)

Machine: ${cpus().length} cores (\`nproc\`), ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM,
${process.platform} ${process.arch}, Node ${process.version}. Date: ${new Date().toISOString().slice(0, 16)}Z. 1-minute load
average at the end: ${load} (other work on the machine competes for the same cores).

Envelopes: 4 results each, 20 models × 5 suites; every shard is fsynced, and the data directory is
flushed after each single publish (once per batch for \`publishEnvelopes\`). Goal: ≥ 200 envelopes/s and a
leaderboard over 10,000 shards in < 1 s.

| publishing | envelopes/s |
|---|---|
| \`publishEnvelope\` one after another (first ${Math.min(small, 300)}; the activity's path) | ${Math.round(sequential)} |
| \`publishEnvelopes\`, ${CONCURRENCY} in flight, up to ${small} shards | ${Math.round(batch)} |
| \`publishEnvelopes\`, ${CONCURRENCY} in flight, ${small} → ${large} shards | ${Math.round(concurrent)} |

Where one shard's time goes (mean of 100, one at a time): plan (validate, canonical JSON, sha256, rows)
${phases.plan} ms · DuckDB COPY to parquet ${phases.write} ms · fsync of the file ${phases.fsync} ms · flush of the
directory ${phases.dirFlush} ms.

| leaderboard (latest per model × suite × result × metric, ${atLarge.rows} rows) | ${small} shards | ${large} shards |
|---|---|---|
| DuckDB straight over every shard file (no index) | ${directSmall} ms | ${directLarge} ms |
| first query (cold: builds index/results.parquet) | ${atSmall.coldMs} ms | ${atLarge.coldMs} ms |
| later queries (warm, median of 5, index read) | ${atSmall.warmMs} ms | ${atLarge.warmMs} ms |
| with 50 shards newer than the index (read beside it) | — | ${afterNewMs} ms |

${verdict}

<!-- publish:end -->
`;
    process.stdout.write(section);
    if (process.argv.includes('--write')) {
      const path = join(process.cwd(), 'docs', 'performance.md');
      const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Performance\n';
      const marked = /<!-- publish:start -->[\s\S]*?<!-- publish:end -->\n?/;
      writeFileSync(path, marked.test(current) ? current.replace(marked, section) : `${current.trimEnd()}\n\n${section}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith("publish.bench.ts")) await main();
