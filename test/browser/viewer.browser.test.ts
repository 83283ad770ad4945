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
import { SAMPLE_MODELS, writeRuleDataset, writeSampleDataset } from '../support/sample-dataset.js';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';

/** Serves an exported site as any static host would (module scripts need a JavaScript MIME type). */
async function serveStatic(out: string): Promise<{ url: string; close: () => void }> {
  const site = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = path === '/' ? 'index.html' : path;
    const type = file.endsWith('.js') ? 'text/javascript' : file.endsWith('.css') ? 'text/css' : file.endsWith('.html') ? 'text/html' : 'application/json';
    readFile(join(out, file)).then(
      (body) => res.writeHead(200, { 'content-type': type }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(site.address() as { port: number }).port}`, close: () => site.close() };
}

const shots = join(process.cwd(), 'test-results', 'screenshots');
mkdirSync(shots, { recursive: true });

describe('viewer in Chromium', () => {
  let browser: Browser | undefined;
  let viewer: RunningViewer | undefined;
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
    await page.goto(viewer!.url);
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
    // These results have no `better` tag: the direction shown is marked as a guess.
    expect(await page.locator('tr.lb-row .guessed').count()).toBe(3);
    expect(await page.locator('input[name="since"]').count()).toBe(1);
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
    const site = await serveStatic(out);
    try {
      const p = await browser!.newPage();
      await p.goto(`${site.url}/#/leaderboard?suite=throughput`);
      await p.waitForSelector('body[data-ready="1"]');
      expect(await p.locator('tr.lb-row').count()).toBe(SAMPLE_MODELS.length * 2);
      expect(await p.locator('tr.lb-row .guessed').count()).toBe(0);
      expect(await p.locator('#status').textContent()).toContain('static export');
      // Date ranges change which result is latest: only the served viewer offers them.
      expect(await p.locator('input[name="since"]').count()).toBe(0);
      expect(await p.locator('#dates-note').textContent()).toContain('served viewer');
      await p.close();
    } finally {
      site.close();
    }
  });
});

describe('leaderboard rule and direction in Chromium, served and exported', () => {
  let browser: Browser | undefined;
  let viewer: RunningViewer | undefined;
  let site: { url: string; close: () => void } | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'ns-browser-rule-'));
  const settings = { temporalUiUrl: 'http://localhost:8233', temporalNamespace: 'default' };

  beforeAll(async () => {
    await writeRuleDataset(dir);
    const store = await ViewerStore.open(dir);
    viewer = await startViewer(store, { port: 0, ...settings });
    await exportStaticSite(store, join(dir, 'site'), settings);
    site = await serveStatic(join(dir, 'site'));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await viewer?.close();
    site?.close();
  });

  it.each([
    ['served', () => viewer!.url],
    ['static', () => site!.url],
  ])('%s: ranks a better=lower perplexity lowest-first and shows one decode row per chip', async (_mode, base) => {
    const p = await browser!.newPage();
    const rows = async (hash: string) => {
      // A hash-only navigation keeps the document: clear the ready mark so the wait sees the new view.
      if (p.url() !== 'about:blank') await p.evaluate(() => delete document.body.dataset.ready);
      await p.goto(`${base()}/${hash}`);
      await p.waitForSelector('body[data-ready="1"]');
      return p.locator('tr.lb-row');
    };
    expect(await (await rows('#/leaderboard?metric=word_perplexity')).count()).toBe(2);
    expect(await p.locator('tr.rank1').getAttribute('data-model')).toBe('sim-a');
    expect(await p.locator('tr.lb-row .guessed').count()).toBe(0);
    expect(await (await rows('#/leaderboard?suite=throughput')).count()).toBe(2);
    expect(await (await rows('#/leaderboard?quantization=8bit')).count()).toBe(0);
    await p.close();
  });
});
