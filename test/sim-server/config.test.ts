import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../activities/errors.js';
import { DEFAULT_CONFIG_PATH, loadSimConfig, parseSimConfig } from '../../client/sim-server/config.js';

async function writeTemp(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sim-config-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('simulator config', () => {
  it('loads the shipped configs', () => {
    const demo = loadSimConfig(DEFAULT_CONFIG_PATH);
    expect(demo.models.map((m) => m.id)).toEqual(['sim-qwen-9b-4bit', 'sim-qwen-32b-4bit']);
    expect(demo.models[1]?.reasoning.enabled).toBe(true);
    for (const name of ['loadgen.toml', 'example.toml']) {
      expect(loadSimConfig(join(DEFAULT_CONFIG_PATH, '..', name)).models.length).toBeGreaterThan(0);
    }
  });

  it('fills defaults, merges [defaults] and normalises ranges', () => {
    const c = parseSimConfig({
      defaults: { decode_tokens_per_second: 10, batching: { slots: 2 } },
      models: [{ id: 'sim-a', reply_tokens: [3, 9], batching: { queue: 'reject' } }, { id: 'sim-b', reply_tokens: 5 }],
    });
    expect(c.seed).toBe(0);
    expect(c.max_loaded_models).toBe(1);
    expect(c.models[0]?.decode_tokens_per_second).toBe(10);
    expect(c.models[0]?.batching).toEqual({ slots: 2, slowdown: 0, queue: 'reject' });
    expect(c.models[0]?.reply_tokens).toEqual([3, 9]);
    expect(c.models[1]?.reply_tokens).toEqual([5, 5]);
    expect(c.models[1]?.faults.disconnect_rate).toBe(0);
  });

  it('names the file and key for an unknown key', async () => {
    const path = await writeTemp('bad.toml', '[[models]]\nid = "sim-a"\nprefil_tokens_per_second = 5\n');
    const e = errorOf(() => loadSimConfig(path));
    expect(e.message).toContain(path);
    expect(e.message).toContain(':3: models.0.prefil_tokens_per_second: unknown key "prefil_tokens_per_second"');
  });

  it('names the key for a wrong type, a bad enum and a nested fault', async () => {
    const path = await writeTemp(
      'bad.json',
      JSON.stringify({ models: [{ id: 'sim-a', decode_tokens_per_second: 'fast', reasoning: { field: 'thoughts' }, faults: { error_rate: 2 } }] }),
    );
    const e = errorOf(() => loadSimConfig(path));
    expect(e.message).toContain(path);
    expect(e.message).toContain('models.0.decode_tokens_per_second: must be number');
    expect(e.message).toContain('models.0.reasoning.field: must be one of "reasoning_content", "reasoning", "think_tags"');
    expect(e.message).toContain('models.0.faults.error_rate: must be <= 1');
  });

  it('requires sim- model ids, unique ids and usable scripts', () => {
    expect(errorOf(() => parseSimConfig({ models: [{ id: 'qwen-9b' }] })).message).toContain('models.0.id: must match ^sim-[A-Za-z0-9._:/-]+$ (simulated model ids start with "sim-", then letters, digits and . _ : / -) (got "qwen-9b")');
    expect(errorOf(() => parseSimConfig({ models: [{ id: 'sim-a' }, { id: 'sim-a' }] })).message).toContain('models.1.id: duplicate model id');
    const scripts = errorOf(() =>
      parseSimConfig({ models: [{ id: 'sim-a', scripts: [{ match: 'x', regex: 'y', reply: 'z' }, { regex: '(', reply: 'z' }, { match: 'q' }] }] }),
    ).message;
    expect(scripts).toContain('models.0.scripts.0: give exactly one of "match" or "regex"');
    expect(scripts).toContain('models.0.scripts.1.regex: does not compile');
    expect(scripts).toContain('models.0.scripts.2: give "reply", "tool_calls" or both');
  });

  it('reports unreadable files and broken TOML with the path', async () => {
    expect(errorOf(() => loadSimConfig('/nonexistent/sim.toml')).message).toContain('cannot read config file /nonexistent/sim.toml');
    const path = await writeTemp('broken.toml', '[[models]\nid = ');
    expect(errorOf(() => loadSimConfig(path)).message).toContain(`${path}:1:10: invalid TOML`);
  });
});
