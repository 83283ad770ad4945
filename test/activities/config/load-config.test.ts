import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../activities/errors.js';
import { checkConfig, loadConfig, parseConfigText } from '../../../activities/config/load-config.js';

const parseTomlConfig = (text: string, source: string, s: object): Record<string, unknown> => checkConfig(parseConfigText(text, source), s);
import { keyLines } from '../../../activities/config/toml-locate.js';

const schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string' },
    repeats: { type: 'integer', minimum: 1, default: 3 },
    mode: { enum: ['fast', 'slow'], default: 'fast' },
    levels: { type: 'array', items: { type: 'integer' } },
    server: {
      type: 'object',
      additionalProperties: false,
      properties: { port: { type: 'integer' } },
    },
    models: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string' }, weight: { type: 'number' } } },
    },
  },
};

function problemsOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('parseTomlConfig', () => {
  it('returns the config with schema defaults filled in', () => {
    const c = parseTomlConfig('name = "x"\nlevels = [1, 2]\n', 'a.toml', schema);
    expect(c).toEqual({ name: 'x', repeats: 3, mode: 'fast', levels: [1, 2] });
  });

  it('names file, line and key for unknown keys, listing the allowed ones', () => {
    const text = ['name = "x"', '', '[server]', 'port = 80', 'prot = 81', '', '[[models]]', 'id = "a"', '', '[[models]]', 'id = "b"', 'wieght = 2', 'colour = "red"'].join('\n');
    const msg = problemsOf(() => parseTomlConfig(text, 'cfg/t.toml', schema));
    expect(msg).toContain('cfg/t.toml: 3 problems in config');
    expect(msg).toContain('cfg/t.toml:5: server.prot: unknown key "prot" (allowed here: port)');
    expect(msg).toContain('cfg/t.toml:12: models.1.wieght: unknown key "wieght" (allowed here: id, weight)');
    expect(msg).toContain('cfg/t.toml:13: models.1.colour: unknown key "colour" (allowed here: id, weight)');
  });

  it('reports wrong types, enums, ranges and missing keys with their lines', () => {
    const text = ['repeats = 0', 'mode = "medium"', 'levels = ["one"]', '[server]', 'port = "eighty"'].join('\n');
    const msg = problemsOf(() => parseTomlConfig(text, 'c.toml', schema));
    expect(msg).toContain('c.toml: name: required key "name" is missing');
    expect(msg).toContain('c.toml:1: repeats: must be >= 1 (got 0)');
    expect(msg).toContain('c.toml:2: mode: must be one of "fast", "slow" (got "medium")');
    expect(msg).toContain('c.toml:3: levels.0: must be integer (got string "one")');
    expect(msg).toContain('c.toml:5: server.port: must be integer (got string "eighty")');
  });

  it('reports TOML syntax errors with line and column', () => {
    const msg = problemsOf(() => parseTomlConfig('name = "x"\nrepeats = = 2\n', 'bad.toml', schema));
    expect(msg).toMatch(/^bad\.toml:2:\d+: invalid TOML/);
  });
});

describe('loadConfig', () => {
  it('reads a file and names it in errors, including a missing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ns-config-'));
    const good = join(dir, 'good.toml');
    await writeFile(good, 'name = "ok"\n');
    await expect(loadConfig(good, schema)).resolves.toMatchObject({ name: 'ok', repeats: 3 });
    const bad = join(dir, 'bad.toml');
    await writeFile(bad, 'name = 5\n');
    await expect(loadConfig(bad, schema)).rejects.toThrow(`${bad}:1: name: must be string (got number 5)`);
    await expect(loadConfig(join(dir, 'none.toml'), schema)).rejects.toThrow(/cannot read config file .*none\.toml/);
  });
});

describe('overrides', () => {
  it('merges tables key by key, replaces the rest, and blames the overrides for their own keys', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ns-config-'));
    const file = join(dir, 'base.toml');
    await writeFile(file, 'name = "base"\nrepeats = 0\n[server]\nport = 80\n');
    const merged = await loadConfig<{ name: string; repeats: number; server: { port: number } }>(file, schema, { overrides: { repeats: 2, server: { port: 81 } }, overridesSource: 'suiteConfig.x' });
    expect(merged).toMatchObject({ name: 'base', repeats: 2, server: { port: 81 } });
    const error = (await loadConfig(file, schema, { overrides: { server: { port: 'x' } }, overridesSource: 'suiteConfig.x' }).catch((e: unknown) => e)) as ConfigError;
    expect(error.problems).toEqual([
      { source: file, line: 2, key: 'repeats', message: 'must be >= 1 (got 0)' },
      { source: 'suiteConfig.x', key: 'server.port', message: 'must be integer (got string "x")' },
    ]);
  });

  it('reads JSON by extension and explains a value against the schema description', () => {
    const described = { type: 'object', properties: { id: { type: 'string', pattern: '^sim-', description: 'simulated model ids start with "sim-"' } } };
    expect(() => checkConfig(parseConfigText('{"id": "qwen"}', 'm.json'), described)).toThrow('m.json: id: must match ^sim- (simulated model ids start with "sim-") (got "qwen")');
    expect(() => parseConfigText('{"id": ', 'm.json')).toThrow(/m\.json: invalid JSON/);
  });
});

describe('keyLines', () => {
  it('follows tables, arrays of tables, nested arrays and dotted or quoted keys', () => {
    const lines = keyLines(['a = 1', '[t]', 'x.y = 2', '"q k" = 3', '[[arr]]', 'k = 1', '[[arr.sub]]', 'z = 1', '[[arr]]', 'k = 2', '[arr.inner]', 'w = 1'].join('\n'));
    expect(lines.get('a')).toBe(1);
    expect(lines.get('t.x.y')).toBe(3);
    expect(lines.get('t.q k')).toBe(4);
    expect(lines.get('arr.0.k')).toBe(6);
    expect(lines.get('arr.0.sub.0.z')).toBe(8);
    expect(lines.get('arr.1.k')).toBe(10);
    expect(lines.get('arr.1.inner.w')).toBe(12);
  });
});
