// The viewer in real headless Chromium over a dataset written by the publisher. Screenshots are kept
// under test-results/screenshots/ as artifacts.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportStaticSite } from '../../client/viewer/export.js';
import { startViewer, type RunningViewer } from '../../client/viewer/server.js';
import { ViewerStore } from '../../client/viewer/store.js';
import { launchChromium } from '../support/browser.js';
import { SAMPLE_MODELS, writeSampleDataset } from '../support/sample-dataset.js';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';

const shots = join(process.cwd(), 'test-results', 'screenshots');
mkdirSync(shots, { recursive: true });

describe('viewer in Chromium', () => {
  let browser: Browser;
  let viewer: RunningViewer;
  let page: Page;
  let store: ViewerStore;
  const dir = mkdtempSync(join(tmpdir(), 'ns-browser-'));

  beforeAll(async () => {
    await writeSampleDataset(dir, { damaged: true });
    store = await ViewerStore.open(dir);
    viewer = await startViewer(store, { port: 0, temporalUiUrl: 'http://localhost:8233', temporalNamespace: 'default' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });
  afterAll(async () => {
    await browser?.close();
    await viewer?.close();
  });

  const ready = async (hash: string) => {
    await page.evaluate(() => delete document.body.dataset.ready);
    await page.evaluate((h) => (location.hash = h), hash);
    await page.waitForSelector('body[data-ready="1"]');
  };

  it('loads the leaderboard and shows the damaged-shard notice', async () => {
    await page.goto(viewer.url);
    await page.waitForSelector('body[data-ready="1"]');
    expect(await page.locator('tr.lb-row').count()).toBe(SAMPLE_MODELS.length * 3);
    expect(await page.locator('#shard-warnings').textContent()).toContain('ttft-broken');
    await page.screenshot({ path: join(shots, 'leaderboard.png'), fullPage: true });
  });

  it('filters the leaderboard by suite', async () => {
    await page.selectOption('select[name="suite"]', 'reasoning');
    await page.waitForFunction(() => location.hash.includes('suite=reasoning'));
    await page.waitForSelector('body[data-ready="1"]');
    await page.waitForFunction(() => document.querySelectorAll('tr.lb-row').length === 3);
    const first = await page.locator('tr.rank1').first().getAttribute('data-model');
    expect(first).toBe('sim-qwen-9b-4bit');
  });

  it('opens a run with its Temporal link', async () => {
    await ready('#/leaderboard?suite=throughput');
    await page.locator('tr.lb-row a.run-link').first().click();
    await page.waitForSelector('#results');
    expect(await page.locator('#temporal-link').getAttribute('href')).toMatch(/^http:\/\/localhost:8233\/namespaces\/default\/workflows\/nightly-3\//);
    expect(await page.locator('#memory tbody tr').count()).toBe(1);
    await page.screenshot({ path: join(shots, 'run.png'), fullPage: true });
  });

  it('compares two runs side by side with deltas', async () => {
    await ready('#/runs?suite=throughput');
    const picks = page.locator('input.pick');
    await picks.nth(0).check();
    await picks.nth(1).check();
    await page.locator('#compare').click();
    await page.waitForSelector('#comparison');
    const rows = page.locator('tr.cmp-row');
    expect(await rows.count()).toBe(2);
    expect((await rows.allTextContents()).join(' ')).toMatch(/[+-]\d+\.\d%/);
    await page.screenshot({ path: join(shots, 'compare.png'), fullPage: true });
  });

  it('draws one trend series per selected model', async () => {
    await ready(`#/trends?measure=${encodeURIComponent('throughput|decode_tok_per_sec_p512_c1|throughput')}&models=${SAMPLE_MODELS.join(',')}`);
    await page.waitForSelector('#trend-chart[data-series]');
    expect(await page.locator('#trend-chart').getAttribute('data-series')).toBe(String(SAMPLE_MODELS.length));
    await page.locator('.models input[type=checkbox]').first().uncheck();
    await page.waitForSelector(`#trend-chart[data-series="${SAMPLE_MODELS.length - 1}"]`);
    await page.screenshot({ path: join(shots, 'trends.png'), fullPage: true });
  });

  it('shows the model × task pivot', async () => {
    await ready('#/pivot?suite=throughput');
    expect(await page.locator('#pivot tbody tr').count()).toBe(SAMPLE_MODELS.length);
  });

  it('serves a static export that works without the API', async () => {
    const out = join(dir, 'site');
    await exportStaticSite(store, out, { temporalUiUrl: 'http://localhost:8233', temporalNamespace: 'default' });
    const site = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const file = path === '/' ? 'index.html' : path;
      const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : file.endsWith('.html') ? 'text/html' : 'application/json';
      // Module scripts need a JavaScript MIME type, as any static host (a Space, nginx) sends.
      readFile(join(out, file)).then(
        (body) => res.writeHead(200, { 'content-type': type }).end(body),
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
    const port = (site.address() as { port: number }).port;
    try {
      const p = await browser.newPage();
      await p.goto(`http://127.0.0.1:${port}/#/leaderboard?suite=throughput`);
      await p.waitForSelector('body[data-ready="1"]');
      expect(await p.locator('tr.lb-row').count()).toBe(SAMPLE_MODELS.length * 2);
      expect(await p.locator('#status').textContent()).toContain('static export');
      await p.close();
    } finally {
      site.close();
    }
  });
});
