// Every sweep file shipped in configs/sweeps/ loads and passes the checks `nightshift sweep start` makes:
// the input, a runner for every suite and tool (the catalog), and every suite's config with the file's
// overrides merged over it.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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
  });
});
