// Debian's Chromium driven by playwright-core (Playwright's own browser download cannot work offline).
import { chromium, type Browser } from 'playwright-core';
import { ensureTool } from './tools.js';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: ensureTool('chromium'),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
