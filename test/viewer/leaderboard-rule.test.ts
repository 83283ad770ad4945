// `nightshift results --latest`, the viewer's /api/leaderboard and the static export's leaderboard.json
// give the same answer on a dataset where the three old implementations disagreed.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaderboard } from '../../activities/dataset/query.js';
import { exportStaticSite } from '../../client/viewer/export.js';
import { startViewer, type RunningViewer } from '../../client/viewer/server.js';
import { ViewerStore } from '../../client/viewer/store.js';
import { ruleAnswer, writeRuleDataset, type RuleAnswer } from '../support/sample-dataset.js';

type Row = Record<string, unknown>;
const settings = { temporalUiUrl: 'http://localhost:8233', temporalNamespace: 'default' };

describe('one leaderboard rule for every reader', () => {
  let dir: string;
  let expected: RuleAnswer[];
  let viewer: RunningViewer | undefined;
  let exported: Row[];
  const api = async (query = '') => (await (await fetch(`${viewer!.url}/api/leaderboard${query}`)).json()) as Row[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ns-rule-viewer-'));
    expected = await writeRuleDataset(dir);
    const store = await ViewerStore.open(dir);
    viewer = await startViewer(store, { port: 0, ...settings });
    await exportStaticSite(store, join(dir, 'site'), settings);
    exported = JSON.parse(await readFile(join(dir, 'site', 'data', 'leaderboard.json'), 'utf8')) as Row[];
  });
  afterAll(async () => {
    await viewer?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('query.ts leaderboard(), /api/leaderboard and data/leaderboard.json agree', async () => {
    expect((await leaderboard({ datasetDir: dir })).map(ruleAnswer)).toEqual(expected);
    expect((await api()).map(ruleAnswer)).toEqual(expected);
    expect(exported.map(ruleAnswer)).toEqual(expected);
  });

  it('a better=lower tag wins over a unit the guess would call higher-is-better', async () => {
    const ppl = (await api('?metric=word_perplexity')).map((r) => [r.model, r.better, r.better_source]);
    expect(ppl).toEqual([
      ['sim-a', 'lower', 'tag'],
      ['sim-b', 'lower', 'tag'],
    ]);
  });

  it('the equality filters the static page applies give the served answers', async () => {
    const staticFilter = (f: Record<string, string>) => exported.filter((r) => Object.entries(f).every(([k, v]) => r[k] === v));
    const filters: Array<Record<string, string>> = [{ suite: 'throughput' }, { chip: 'Apple M2 Ultra' }, { metric: 'word_perplexity' }, { quantization: '8bit' }, { quantization: '4bit' }];
    for (const f of filters) {
      expect(await api(`?${new URLSearchParams(f)}`), JSON.stringify(f)).toEqual(staticFilter(f));
    }
    // The older 8bit run is not the latest on its chip: filtering by quantization does not bring it back.
    expect(await api('?quantization=8bit')).toEqual([]);
  });
});
