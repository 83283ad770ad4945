// `nightshift viewer --export DIR`: the same page plus precomputed JSON, hostable as a Hugging Face
// Space or any static site. The page detects the export (data-static) and reads data/*.json instead of
// the API. The leaderboard ships as computed answers (data/leaderboard.json, the server's own query), so
// the page only filters those rows and never applies the latest-per-group rule itself.
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { runDetail, type ViewerSettings } from './api.js';
import { allPoints, facets, leaderboard, listRuns, runEnvelope } from './queries.js';
import { chartJsPath, staticDir } from './server.js';
import type { ViewerStore } from './store.js';
import type { Envelope } from '../../workflows/shared/envelope.js';

export async function exportStaticSite(store: ViewerStore, outDir: string, settings: ViewerSettings): Promise<{ dir: string; runs: number; points: number }> {
  const target = resolve(outDir);
  // Build beside the target and swap in at the end, so a failed export never leaves half a site.
  const staging = `${target}.partial-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  const write = async (rel: string, body: unknown) => {
    const file = join(staging, rel);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, typeof body === 'string' ? body : JSON.stringify(body));
  };
  const html = await readFile(join(staticDir, 'index.html'), 'utf8');
  await write('index.html', html.replace('<html lang="en">', '<html lang="en" data-static="1">'));
  for (const name of ['app.js', 'style.css']) await write(name, await readFile(join(staticDir, name), 'utf8'));
  await mkdir(join(staging, 'vendor'), { recursive: true });
  await copyFile(chartJsPath, join(staging, 'vendor', 'chart.umd.min.js'));

  const status = await store.status();
  const points = await allPoints(store);
  const runs = await listRuns(store, {}, 1_000_000);
  await write('data/status.json', { ...status, settings });
  await write('data/facets.json', await facets(store));
  await write('data/leaderboard.json', await leaderboard(store, {}));
  await write('data/points.json', points);
  await write('data/runs.json', runs);
  for (const run of runs) {
    const found = await runEnvelope(store, run.envelope_hash);
    if (found) await write(`data/runs/${run.envelope_hash}.json`, runDetail(found.envelope as Envelope, found.shard, settings));
  }
  await rm(target, { recursive: true, force: true });
  await rename(staging, target);
  return { dir: target, runs: runs.length, points: points.length };
}
