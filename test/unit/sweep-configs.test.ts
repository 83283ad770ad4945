// Every sweep file shipped in configs/sweeps/ loads and passes the same checks `nightshift sweep start`
// makes (input validation, a runner for every suite and tool), and every suite override it carries is
// accepted by that suite's own config loader.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultSuiteRegistry } from '../../activities/suites/registry.js';
import { loadSweepFile } from '../../client/temporal/sweeps.js';
import { projectRoot } from '../support/tools.js';

const dir = join(projectRoot, 'configs', 'sweeps');
const files = readdirSync(dir).filter((f) => f.endsWith('.toml'));

describe('configs/sweeps', () => {
  it('ships the demo sweep', () => {
    expect(files).toContain('demo.toml');
  });

  it.each(files)('%s is a valid sweep whose suite configs load', async (file) => {
    const input = await loadSweepFile(join(dir, file));
    expect(input.models.length).toBeGreaterThan(0);
    const registry = defaultSuiteRegistry();
    for (const suite of input.suites) {
      const overrides = { ...(input.suiteConfig?.[suite] ?? {}) };
      delete overrides.tool;
      await expect(registry.get(suite)!.loadConfig(overrides)).resolves.toBeDefined();
    }
  });
});
