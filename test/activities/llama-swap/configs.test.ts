// The committed llama-swap configs keep the settings docs/model-servers.md promises (a benchmark-safe
// example, a sim template whose models are all in one swapping group).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectRoot } from '../../support/tools.js';

interface LlamaSwapConfig {
  healthCheckTimeout?: number;
  sendLoadingState?: boolean;
  globalTTL?: number;
  macros?: Record<string, string>;
  models: Record<string, { cmd: string; concurrencyLimit?: number; checkEndpoint?: string; ttl?: number }>;
  groups?: Record<string, { swap?: boolean; exclusive?: boolean; members: string[] }>;
}

async function load(name: string): Promise<LlamaSwapConfig> {
  return parse(await readFile(join(projectRoot, 'configs/llama-swap', name), 'utf8')) as LlamaSwapConfig;
}

describe.each(['example.yaml', 'sim-upstream.yaml'])('configs/llama-swap/%s', (name) => {
  it('is benchmark-safe: no loading state, no idle unload, room for high concurrency', async () => {
    const config = await load(name);
    expect(config.sendLoadingState).toBe(false);
    expect(config.globalTTL ?? 0).toBe(0);
    expect(config.healthCheckTimeout).toBeGreaterThanOrEqual(60);
    for (const [id, model] of Object.entries(config.models)) {
      expect(model.concurrencyLimit, `${id}.concurrencyLimit`).toBeGreaterThanOrEqual(64);
      expect(model.checkEndpoint, `${id}.checkEndpoint`).not.toBe('none');
      expect(model.ttl ?? 0, `${id}.ttl`).toBe(0);
    }
  });

  it('uses only macros it defines and gives every model its own port', async () => {
    const config = await load(name);
    for (const [id, model] of Object.entries(config.models)) {
      for (const [, macro] of model.cmd.matchAll(/\$\{([\w-]+)\}/g)) {
        expect(macro === 'PORT' || macro! in (config.macros ?? {}), `${id} uses \${${macro}}`).toBe(true);
      }
      expect(model.cmd, `${id}.cmd`).toContain('${PORT}');
    }
  });

  it('puts every model in one swapping, exclusive group', async () => {
    const config = await load(name);
    const groups = Object.values(config.groups ?? {});
    expect(groups).toHaveLength(1);
    expect(groups[0]!.swap).toBe(true);
    expect(groups[0]!.exclusive).toBe(true);
    expect([...groups[0]!.members].sort()).toEqual(Object.keys(config.models).sort());
  });
});
