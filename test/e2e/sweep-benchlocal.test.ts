// tool-calling run by the real benchlocal-cli inside a sweep (suiteConfig.tool-calling.tool = "benchlocal"):
// real Temporal dev server, in-process workers, the simulated endpoint. The pair passes, the published
// envelope carries benchlocal-cli's pack score, and Nightshift's verifiers give every scenario the verdict
// benchlocal-cli gave the same saved response.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readEnvelopes } from '../../activities/dataset/query.js';
import { RESULT_FILE } from '../../activities/suites/external/benchlocal-suite.js';
import { main } from '../../client/cli.js';
import { sweepResult } from '../../client/temporal/sweep-result.js';
import { benchmarkSweep } from '../../workflows/benchmark-sweep.js';
import { startSweepRig, type SweepRig } from '../support/sweep-rig.js';
import { ensureTool } from '../support/tools.js';

let rig: SweepRig | undefined;

beforeAll(async () => {
  ensureTool('benchlocal');
  rig = await startSweepRig('sweep-benchlocal', { seed: 7, models: [{ id: 'sim-tools', preload: true, ttft_ms: 2, decode_tokens_per_second: 5000, tool_call_rate: 0.6 }] });
});

afterAll(async () => rig?.close());

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function find(root: string, name: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name === name).map((e) => join(e.parentPath, e.name));
}

type Saved = { packs: Array<{ id: string; scenarios: Array<{ id: string; passed: boolean; failure_mode?: string }> }> };
const verdicts = (saved: Saved) => Object.fromEntries(saved.packs.flatMap((p) => p.scenarios.map((s) => [`${p.id}/${s.id}`, s.passed ? 'passed' : (s.failure_mode ?? 'failed')])));

describe('tool-calling by benchlocal-cli in a sweep', { timeout: 600_000 }, () => {
  it('publishes its pack score, and Nightshift judges its saved responses the same way', async () => {
    const { h, sim, dir, hostQueue } = rig!;
    const handle = await h.client.workflow.start(benchmarkSweep, {
      taskQueue: 'nightshift',
      workflowId: `benchlocal-${process.pid}`,
      args: [
        {
          models: ['sim-tools'],
          suites: ['tool-calling'],
          endpoint: sim.url,
          hostQueue,
          warmUp: false,
          unload: false,
          suiteConfig: { 'tool-calling': { tool: 'benchlocal', packs: ['toolcall-15'], thinking: 'off', retry_failures: false } },
        },
      ],
    });
    const result = await sweepResult(handle);
    expect(result.counts).toEqual({ passed: 1, failed: 0, skipped: 0 });
    const shard = result.models[0]?.suites[0]?.shard;
    expect(shard).toBeDefined();
    const [envelope] = await readEnvelopes(shard!);
    const pack = envelope?.results.find((r) => r.name === 'toolcall-15');
    expect(pack?.tags).toMatchObject({ pack_id: 'toolcall-15', total: '15', benchlocal_thinking_mode: 'force-off' });

    // benchlocal-cli's own result file, kept in the suite's work directory: its verdicts against Nightshift's
    // verifiers on exactly the same responses.
    const [saved] = await find(join(dir, 'data'), RESULT_FILE);
    expect(saved).toBeDefined();
    const rescored = join(dir, 'rescored.json');
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await main(['quality', 'rescore', saved!, '--out', rescored])).toBe(0);
    const theirs = verdicts(JSON.parse(await readFile(saved!, 'utf8')) as Saved);
    expect(Object.keys(theirs)).toHaveLength(15);
    expect(verdicts(JSON.parse(await readFile(rescored, 'utf8')) as Saved)).toEqual(theirs);
    // The simulator's random tool calls make some scenarios pass and some fail: both kinds were compared.
    expect(new Set(Object.values(theirs)).size).toBeGreaterThan(1);
    expect(pack?.value).toBe(Object.values(theirs).filter((v) => v === 'passed').length / 15);
  });
});
