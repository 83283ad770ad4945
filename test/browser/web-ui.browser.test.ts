// Failure is visible where people look in the morning: the Temporal Web UI's default workflow list, in real
// headless Chromium. A sweep with one model that passes and one that fails ends red (Failed) without any
// custom query, so does the failed model's child, and the child's page says which suite failed and why.
// Screenshots are kept under test-results/screenshots/ as artifacts.
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from '../../client/sim-server/server.js';
import { startDevServer, type DevServer } from '../../client/temporal/dev-server.js';
import { sweepResult } from '../../client/temporal/sweep-result.js';
import { startWorkers, type RunningWorkers } from '../../workers/run.js';
import { benchmarkSweep } from '../../workflows/benchmark-sweep.js';
import { launchChromium } from '../support/browser.js';
import { ensureTool } from '../support/tools.js';

const shots = join(process.cwd(), 'test-results', 'screenshots');
mkdirSync(shots, { recursive: true });
const hostQueue = `web-ui-${process.pid}`;
const sweepId = `morning-${process.pid}`;

let dir: string;
let server: DevServer | undefined;
let connection: Connection | undefined;
let sim: SimServer | undefined;
let workers: RunningWorkers | undefined;
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-web-ui-'));
  server = await startDevServer({ temporalPath: ensureTool('temporal') });
  connection = await Connection.connect({ address: server.address, connectTimeout: '60s' });
  const client = new Client({ connection, namespace: 'default' });
  sim = await startSimServer({ config: { seed: 2, models: [{ id: 'sim-good', preload: true, ttft_ms: 2, decode_tokens_per_second: 2000 }] } });
  const target = { address: server.address, namespace: 'default', connectionOptions: { address: server.address } };
  workers = await startWorkers({ target, hostQueue, dataDir: join(dir, 'data'), dataset: join(dir, 'dataset') });
  const handle = await client.workflow.start(benchmarkSweep, {
    taskQueue: 'nightshift',
    workflowId: sweepId,
    args: [
      {
        models: ['sim-good', 'sim-gone'],
        suites: ['ttft'],
        endpoint: sim.url,
        hostQueue,
        warmUp: false,
        suiteAttempts: 1,
        suiteConfig: { ttft: { prompt_tokens: [16], repeats: 1, warmup_rounds: 0, calibrate_prompts: false, max_tokens: 4 } },
      },
    ],
  });
  const result = await sweepResult(handle);
  expect(result.counts).toEqual({ passed: 1, failed: 1, skipped: 0 });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await workers?.shutdown();
  await sim?.close();
  await connection?.close();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The list row of a workflow id, as the Web UI draws it. */
const row = (workflowId: string) => page.locator('tr, [role="row"]').filter({ hasText: workflowId }).first();

describe('Temporal Web UI in Chromium', { timeout: 120_000 }, () => {
  it('the default workflow list shows the sweep and the failed model Failed, the passed model Completed', async () => {
    await page.goto(`${server!.uiUrl ?? ''}/namespaces/default/workflows`);
    await row(sweepId).waitFor({ timeout: 60_000 });
    await row(`${sweepId}/sim-gone`).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(shots, 'web-ui-workflows.png'), fullPage: true });
    await expect(row(`${sweepId}/sim-gone`).innerText()).resolves.toMatch(/failed/i);
    await expect(row(`${sweepId}/sim-good`).innerText()).resolves.toMatch(/completed/i);
    // The sweep's own row: exactly its id, not its children's.
    const sweepRow = page.locator('tr, [role="row"]').filter({ hasText: new RegExp(`${sweepId}(?!/)`) }).filter({ hasText: 'benchmarkSweep' }).first();
    await expect(sweepRow.innerText()).resolves.toMatch(/failed/i);
  });

  it("the failed model's page names the failed suite and why", async () => {
    await page.goto(`${server!.uiUrl ?? ''}/namespaces/default/workflows/${encodeURIComponent(`${sweepId}/sim-gone`)}`);
    await page.getByText('1 of 1 suites failed for sim-gone').first().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(shots, 'web-ui-failed-model.png'), fullPage: true });
    await expect(page.getByText(/ttft: .*sim-gone/).first().isVisible()).resolves.toBe(true);
  });
});
