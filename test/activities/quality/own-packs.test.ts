// The project's own packs: versioned, described, 15 scenarios each; every scenario has a known good
// reply that passes, and neither an empty answer nor "(no answer)" passes any scenario (no leniency).
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { listBuiltinPacks } from '../../../activities/suites/quality/pack-loader.js';
import { scoreResponse } from '../../../activities/suites/quality/verifiers/index.js';
import { type ScriptedReply, responseFor } from './fixtures/assert-cases.js';

const OWN = ['ns-dataextract-15', 'ns-instructfollow-15', 'ns-reasonmath-15', 'ns-structoutput-15', 'ns-toolcall-15'];

describe('Nightshift quality packs', async () => {
  // Nightshift's own packs (configs/packs also holds benchlocal-cli's reasoning packs, tested in reasoning-packs.test.ts).
  const packs = (await listBuiltinPacks()).filter((p) => p.meta.pack_id.startsWith('ns-'));
  const good = JSON.parse(await readFile(new URL('./fixtures/good-replies.json', import.meta.url), 'utf8')) as Record<string, Record<string, ScriptedReply>>;
  const scenarios = packs.flatMap((p) => p.scenarios.map((s) => ({ pack: p.meta.pack_id, id: s.id, s })));

  it('ships the five packs, versioned, 15 described scenarios each', () => {
    expect(packs.map((p) => p.meta.pack_id).sort()).toEqual(OWN);
    for (const p of packs) {
      expect(p.meta.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(p.scenarios).toHaveLength(15);
      for (const s of p.scenarios) expect(s.description?.length ?? 0).toBeGreaterThan(20);
    }
  });

  it.each(scenarios)('$pack $id: the known good reply passes', ({ pack, id, s }) => {
    const reply = good[pack]?.[id];
    expect(reply, `good reply for ${pack}/${id}`).toBeDefined();
    const v = scoreResponse(s, responseFor(reply!));
    expect(v.detail).not.toBe('');
    expect(v.passed, v.detail).toBe(true);
  });

  it.each(scenarios)('$pack $id: empty and "(no answer)" replies fail', ({ s }) => {
    for (const content of ['', '(no answer)']) {
      const v = scoreResponse(s, responseFor({ content }));
      expect(v.passed, `${JSON.stringify(content)} → ${v.detail}`).toBe(false);
    }
  });
});
