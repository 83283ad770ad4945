// Nightshift's five packs end to end through the simulated endpoint: with each scenario's known good
// reply scripted, the medium run passes 75/75; with "(no answer)" scripted everywhere it passes none.
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { memoryJournal } from '../../../activities/journal/journal.js';
import { resolvePacks } from '../../../activities/suites/quality/pack-loader.js';
import { packsForMode } from '../../../activities/suites/catalog.js';
import { runQuality } from '../../../activities/suites/quality/runner.js';
import { startSimServer, type SimServer } from '../../../client/sim-server/server.js';
import type { ScriptedReply } from './fixtures/assert-cases.js';

let sim: SimServer;
const sampling = { thinkingControl: 'enable_thinking' as const, thinkingMaxTokens: 4096, overrides: {}, fromServer: false };

beforeAll(async () => {
  const packs = await resolvePacks(packsForMode('medium'));
  const good = JSON.parse(await readFile(new URL('./fixtures/good-replies.json', import.meta.url), 'utf8')) as Record<string, Record<string, ScriptedReply>>;
  const goodScripts = [];
  const emptyScripts = [];
  for (const pack of packs) {
    for (const s of pack.scenarios) {
      const user = s.messages.filter((m) => m.role === 'user').at(-1)!.content as string;
      const reply = good[pack.meta.pack_id]![s.id]!;
      goodScripts.push({
        match: user,
        ...(reply.content ? { reply: reply.content } : {}),
        ...(reply.tool_calls ? { tool_calls: reply.tool_calls.map((t) => ({ name: t.name, arguments: t.arguments })) } : {}),
      });
      emptyScripts.push({ match: user, reply: '(no answer)' });
    }
  }
  const model = (id: string, scripts: unknown[]) => ({ id, load_ms: 0, ttft_ms: 1, decode_tokens_per_second: 20000, prefill_tokens_per_second: 1000000, jitter: 0, scripts });
  sim = await startSimServer({ config: { seed: 3, models: [model('sim-good', goodScripts), model('sim-no-answer', emptyScripts)] } });
  return () => sim.close();
});

describe('Nightshift packs through the simulator', () => {
  it('known good replies pass all 75 scenarios; "(no answer)" passes none', async () => {
    const packs = await resolvePacks(packsForMode('medium'));
    const config = { endpoint: sim.url, packs, mode: 'medium', sampling, timeoutPerCaseSeconds: 60, concurrency: 4, retries: 0 };
    const good = await runQuality({ ...config, model: 'sim-good' }, { journal: memoryJournal() });
    const failures = good.packs.flatMap((p) => p.scenarios.filter((s) => !s.passed).map((s) => `${p.pack_id} ${s.id}: ${s.failure_mode} ${s.detail}`));
    expect(failures).toEqual([]);
    expect(good.totals).toEqual({ passed: 75, total: 75, score: 1 });
    const none = await runQuality({ ...config, model: 'sim-no-answer' }, { journal: memoryJournal() });
    expect(none.totals.passed).toBe(0);
    expect(none.totals.total).toBe(75);
  });
});
