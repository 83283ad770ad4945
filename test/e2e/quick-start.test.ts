// The README's quick start, as a new user runs it: `npm run demo` (here: the same `nightshift demo`, with
// its dataset and state in a temporary folder) runs a whole sweep end to end and publishes one valid
// shard per (model, suite). Nothing is mocked: dev server, simulated endpoint, workers, publish.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnvelopes } from '../../activities/dataset/query.js';
import { validateEnvelope } from '../../activities/envelope/validate.js';
import { projectRoot } from '../support/tools.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-quick-start-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('quick start', { timeout: 600_000 }, () => {
  it('nightshift demo runs a sweep of 2 models × 4 suites and publishes 8 valid shards', async () => {
    const dataset = join(dir, 'dataset');
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [`${projectRoot}client/bin/nightshift.mjs`, 'demo', '--dataset-dir', dataset], {
      cwd: projectRoot,
      env: { ...process.env, NIGHTSHIFT_DATA_DIR: join(dir, 'state') },
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toContain('8 passed, 0 failed, 0 skipped');
    // Piped, so progress is a line per pair event rather than bars.
    expect(stderr).toMatch(/Z sim-qwen-32b-4bit · capability-comparison passed\n/);
    const shards = (await readdir(join(dataset, 'data'))).filter((f) => f.endsWith('.parquet'));
    expect(shards).toHaveLength(8);
    const envelopes = await readEnvelopes(join(dataset, 'data', '*.parquet'));
    expect(new Set(envelopes.map((e) => `${e.model} · ${e.suite}`)).size).toBe(8);
    for (const envelope of envelopes) expect(validateEnvelope(envelope)).toMatchObject({ valid: true });
  });
});
