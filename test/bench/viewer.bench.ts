// npm run bench:viewer — the viewer over 10,000 shards: how long the server takes to build its read
// model, how long the leaderboard API answers (cold and warm), and the page's first meaningful paint
// (navigation start → leaderboard rows in the DOM) in headless Chromium. Prints a markdown section;
// `--write` puts it in docs/performance.md (replacing the previous run's).
import { cpus, totalmem, tmpdir } from 'node:os';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { publishEnvelopes } from '../../activities/publish/publish.js';
import { startViewer } from '../../client/viewer/server.js';
import { ViewerStore } from '../../client/viewer/store.js';
import { launchChromium } from '../support/browser.js';
import { sampleEnvelope } from '../support/sample-dataset.js';

const SHARDS = Number(process.env.SHARDS ?? 10_000);
const dir = process.env.BENCH_DATASET ?? join(tmpdir(), `nightshift-viewer-bench-${SHARDS}`);

async function ensureDataset(): Promise<void> {
  const data = join(dir, 'data');
  const have = existsSync(data) ? readdirSync(data).filter((f) => f.endsWith('.parquet')).length : 0;
  if (have >= SHARDS) return;
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  // 50 models, two suites, one envelope a minute; each envelope unique. Published in batches (8 in flight).
  const all = [];
  for (let i = have; i < SHARDS; i++) {
    const model = `sim-model-${String(i % 50).padStart(2, '0')}-${i % 3 === 0 ? '8bit' : '4bit'}`;
    const envelope = sampleEnvelope(model, Math.floor(i / 100), i % 2 === 0 ? 'throughput' : 'reasoning');
    envelope.timestamp = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString().replace('.000Z', 'Z');
    all.push(envelope);
  }
  for (let i = 0; i < all.length; i += 1000) await publishEnvelopes(all.slice(i, i + 1000), { datasetDir: dir }, 8);
  console.error(`generated ${SHARDS - have} shards in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

await ensureDataset();
// First open after the shards were written builds the dataset's derived index; later opens read it.
await rm(join(dir, 'index'), { recursive: true, force: true });
let t = performance.now();
await ViewerStore.open(dir);
const coldLoadMs = performance.now() - t;
t = performance.now();
const store = await ViewerStore.open(dir);
const loadMs = performance.now() - t;
const status = await store.status();
const viewer = await startViewer(store, { port: 0, temporalUiUrl: 'http://localhost:8233', temporalNamespace: 'default' });

t = performance.now();
await (await fetch(`${viewer.url}/api/leaderboard`)).json();
const coldMs = performance.now() - t;
const warm: number[] = [];
for (let i = 0; i < 20; i++) {
  t = performance.now();
  await (await fetch(`${viewer.url}/api/leaderboard?suite=throughput`)).json();
  warm.push(performance.now() - t);
}

const browser = await launchChromium();
const paints: number[] = [];
for (let i = 0; i < 5; i++) {
  const page = await browser.newPage();
  await page.goto(viewer.url);
  await page.waitForSelector('tr.lb-row');
  paints.push(await page.evaluate(() => performance.now()));
  await page.close();
}
await browser.close();
await viewer.close();

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const section = `
## Viewer over ${SHARDS.toLocaleString('en-US')} shards (npm run bench:viewer)

Machine: ${cpus().length} cores, ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}. Date: ${new Date().toISOString().slice(0, 10)}.

| measure | result |
|---|---|
| shards loaded / rows | ${status.shards} / ${status.rows} |
| viewer start, no index yet (reads every shard, writes the index) | ${(coldLoadMs / 1000).toFixed(2)} s |
| viewer start, index present (later shards are added incrementally) | ${(loadMs / 1000).toFixed(2)} s |
| leaderboard API, first call (all suites) | ${coldMs.toFixed(1)} ms |
| leaderboard API, warm, median of 20 (suite filter) | ${median(warm).toFixed(1)} ms |
| first meaningful paint (navigation → leaderboard rows), median of 5 | ${median(paints).toFixed(0)} ms |

Goal: first meaningful paint under 1 s — ${median(paints) < 1000 ? 'met' : 'NOT met'}.
`;
console.log(section);
if (process.argv.includes('--write')) {
  // Replace this benchmark's earlier section (up to the next heading) rather than piling up copies.
  const file = join(process.cwd(), 'docs', 'performance.md');
  const current = readFileSync(file, 'utf8');
  const start = current.indexOf('## Viewer over');
  let next = start < 0 ? -1 : current.indexOf('\n## ', start + 5);
  if (next < 0) next = current.length;
  const text = section.trimStart();
  writeFileSync(file, start < 0 ? `${current.trimEnd()}\n\n${text}` : `${current.slice(0, start)}${text}${current.slice(next + 1)}`);
}
