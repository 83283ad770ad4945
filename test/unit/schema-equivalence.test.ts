// schema.json must be contract-identical to the seed's schema: same required fields, enums, const,
// formats, patterns, minLength, minimum, additionalProperties:false places, types. This runs a corpus
// through both and expects the same verdict (and the same failing rule at the same place) every time.
// The corpus: the shared fixtures, test/fixtures/envelopes/*.json, and variants derived from
// full.valid.json by walking BOTH schemas and breaking or exercising every rule they contain, so a rule
// present in only one schema produces a case the other judges differently.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { compileSchema, schemaPath, validateEnvelope } from '../../activities/envelope/validate.js';
import { main } from '../../client/cli.js';

const root = join(import.meta.dirname, '../..');
const shared = join(root, '../shared');
const corpusDir = join(root, 'test/fixtures/envelopes');
const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

const referenceSchema = readJson(join(shared, 'reference/seed-envelope-v1.schema.json')) as Schema;
const ourSchema = readJson(schemaPath) as Schema;
const reference = compileSchema(referenceSchema);
const ours = compileSchema(ourSchema);

interface Schema {
  type?: string | string[];
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  minimum?: number;
}

type Path = Array<string | number>;
interface Case {
  name: string;
  envelope: unknown;
}

const clone = <T>(x: T): T => structuredClone(x);

function setAt(root: unknown, path: Path, value: unknown): unknown {
  const copy = clone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

function deleteAt(root: unknown, path: Path): unknown {
  const copy = clone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  Reflect.deleteProperty(node, path.at(-1)!);
  return copy;
}

const label = (path: Path) => `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('')}`;

// One value of every JSON type; integer vs number and null are the distinctions that matter most.
const TYPE_PROBES: Record<string, unknown> = {
  string: 'text',
  integer: 3,
  fraction: 1.5,
  negative: -2,
  zero: 0,
  boolean: true,
  null: null,
  array: [],
  object: {},
};
const DATE_TIMES = [
  '2026-11-23T02:00:00Z', '2026-11-23T02:00:00.123456+05:30', '2026-11-23t02:00:00z', '2026-11-23T02:00:00',
  '2026-11-23', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', '2026-11-23T25:00:00Z', 'not-a-date', '',
];
const HEXISH = ['abc1234', 'ABCDEF0', 'abc123', 'g123456', 'abc 1234', 'a'.repeat(64), 'a'.repeat(65), '', 'XYZ'];
const NUMBERS = [-1, -0.001, 0, 0.5, 1e9];

/** Variants that exercise every rule of `schema`, applied at `path` of the base envelope. */
function variants(schema: Schema, base: unknown, path: Path, out: Case[]): void {
  const at = (what: string, envelope: unknown) => out.push({ name: `${label(path)} ${what}`, envelope });
  if (path.length > 0) {
    for (const [probe, value] of Object.entries(TYPE_PROBES)) at(`= ${probe}`, setAt(base, path, value));
  }
  for (const value of schema.enum ?? []) at(`= enum ${JSON.stringify(value)}`, setAt(base, path, value));
  if (schema.enum) at('= outside enum', setAt(base, path, 'not-in-enum'));
  if ('const' in schema) {
    at('= const', setAt(base, path, schema.const));
    at('= not const', setAt(base, path, '2'));
    at('= const as number', setAt(base, path, Number(schema.const)));
  }
  if (schema.format) for (const s of DATE_TIMES) at(`= ${JSON.stringify(s)}`, setAt(base, path, s));
  if (schema.pattern || schema.minLength !== undefined) for (const s of HEXISH) at(`= ${JSON.stringify(s)}`, setAt(base, path, s));
  if (schema.minimum !== undefined) for (const n of NUMBERS) at(`= ${n}`, setAt(base, path, n));
  if (schema.properties || schema.required || schema.additionalProperties !== undefined) {
    for (const key of schema.required ?? []) at(`missing ${key}`, deleteAt(base, [...path, key]));
    for (const key of Object.keys(schema.properties ?? {})) if (!(schema.required ?? []).includes(key)) at(`without optional ${key}`, deleteAt(base, [...path, key]));
    at('+ unknown key (string)', setAt(base, [...path, 'zz_unknown'], 'x'));
    at('+ unknown key (number)', setAt(base, [...path, 'zz_unknown'], 7));
    at('+ unknown key (object)', setAt(base, [...path, 'zz_unknown'], { a: 'b' }));
    for (const [key, child] of Object.entries(schema.properties ?? {})) variants(child, base, [...path, key], out);
  }
  if (schema.items) {
    at('= empty array', setAt(base, path, []));
    const value = valueAt(base, path);
    if (Array.isArray(value) && value.length > 0) {
      const items = value as unknown[];
      at('+ second item copied', setAt(base, path, [...items, clone(items[0])]));
      at('+ null item', setAt(base, path, [...items, null]));
      at('+ string item', setAt(base, path, [...items, 'x']));
      variants(schema.items, base, [...path, 0], out);
    }
  }
}

function valueAt(root: unknown, path: Path): unknown {
  let node = root as Record<string | number, unknown> | undefined;
  for (const key of path) node = node?.[key] as Record<string | number, unknown> | undefined;
  return node;
}

function buildCorpus(): Case[] {
  const cases: Case[] = [];
  for (const file of ['envelope.valid.json', 'envelope.invalid.json']) {
    cases.push({ name: `shared/${file}`, envelope: readJson(join(shared, 'fixtures/mlx-benchmarks', file)) });
  }
  const files = readdirSync(corpusDir).filter((f) => f.endsWith('.json')).sort();
  for (const file of files) cases.push({ name: `envelopes/${file}`, envelope: readJson(join(corpusDir, file)) });
  const base = readJson(join(corpusDir, 'full.valid.json'));
  variants(referenceSchema, base, [], cases);
  variants(ourSchema, base, [], cases);
  // Not objects at all.
  for (const [probe, value] of Object.entries(TYPE_PROBES)) cases.push({ name: `root = ${probe}`, envelope: value });
  return cases;
}

const corpus = buildCorpus();

function verdict(validate: typeof ours, envelope: unknown) {
  const valid = validate(envelope);
  const errors = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword} ${JSON.stringify(e.params)}`).sort();
  return { valid, errors };
}

describe('schema.json is contract-identical to the seed schema', () => {
  it('the corpus is large and holds both verdicts', () => {
    const valid = corpus.filter((c) => ours(c.envelope)).length;
    expect(corpus.length).toBeGreaterThan(400);
    expect(valid).toBeGreaterThan(50);
    expect(corpus.length - valid).toBeGreaterThan(200);
  });

  it('every corpus envelope gets the same verdict and the same errors from both', () => {
    const mismatches = corpus
      .map((c) => ({ name: c.name, ours: verdict(ours, c.envelope), reference: verdict(reference, c.envelope) }))
      .filter((m) => JSON.stringify(m.ours) !== JSON.stringify(m.reference));
    expect(mismatches).toEqual([]);
  });

  it('would notice a schema that drops or adds a rule', () => {
    const loosened = structuredClone(ourSchema);
    delete loosened.properties!.results!.items!.properties!.peak_rss_mb!.minimum;
    const tightened = structuredClone(ourSchema);
    tightened.properties!.system!.required!.push('kernel');
    for (const changed of [compileSchema(loosened), compileSchema(tightened)]) {
      expect(corpus.some((c) => verdict(changed, c.envelope).valid !== verdict(reference, c.envelope).valid)).toBe(true);
    }
  });

  it('corpus files named *.valid.json / *.invalid.json get that verdict', () => {
    for (const file of readdirSync(corpusDir).filter((f) => f.endsWith('.json'))) {
      const expected = file.endsWith('.invalid.json') ? false : file.endsWith('.valid.json') ? true : undefined;
      if (expected !== undefined) expect({ file, valid: validateEnvelope(readJson(join(corpusDir, file))).valid }).toEqual({ file, valid: expected });
    }
  });
});

describe('validateEnvelope on the seed fixtures', () => {
  it('envelope.invalid.json yields exactly its 7 errors, each with path, rule, value and a sentence', () => {
    const result = validateEnvelope(readJson(join(shared, 'fixtures/mlx-benchmarks/envelope.invalid.json')));
    expect(result.valid).toBe(false);
    const issues = result.valid ? [] : result.issues;
    expect(issues.map((i) => [i.path, i.rule, i.value]).sort()).toEqual(
      [
        ['$.schema_version', 'const', '2'],
        ['$.timestamp', 'format', 'not-a-real-timestamp'],
        ['$.git_sha', 'minLength', 'XYZ'],
        ['$.git_sha', 'pattern', 'XYZ'],
        ['$.trigger', 'enum', 'unknown-trigger'],
        ['$.suite', 'enum', 'no-such-suite'],
        ['$.system.memory_gb', 'required', undefined],
      ].sort(),
    );
    for (const issue of issues) expect(issue.message.length).toBeGreaterThan(10);
  });

  it('envelope.valid.json is valid', () => {
    expect(validateEnvelope(readJson(join(shared, 'fixtures/mlx-benchmarks/envelope.valid.json'))).valid).toBe(true);
  });
});

describe('nightshift validate exit codes', () => {
  let dir: string;
  let err = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ns-validate-'));
    err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
    rmSync(dir, { recursive: true, force: true });
  });
  const valid = join(shared, 'fixtures/mlx-benchmarks/envelope.valid.json');
  const invalid = join(shared, 'fixtures/mlx-benchmarks/envelope.invalid.json');

  it('0 when every file is valid', async () => {
    expect(await main(['validate', valid, join(corpusDir, 'minimal.valid.json')])).toBe(0);
  });

  it('3 when any file is invalid, listing all 7 problems', async () => {
    expect(await main(['validate', valid, invalid])).toBe(3);
    expect(err).toContain('(7 problems)');
  });

  it('2 when a file is unreadable or not JSON, even beside an invalid one', async () => {
    const truncated = join(dir, 'truncated.json');
    writeFileSync(truncated, readFileSync(valid, 'utf8').slice(0, 50));
    expect(await main(['validate', truncated])).toBe(2);
    expect(await main(['validate', invalid, join(dir, 'missing.json')])).toBe(2);
  });
});
