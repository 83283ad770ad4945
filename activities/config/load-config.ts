// The one way Nightshift reads a configuration: a TOML (or JSON) file, a caller's overrides merged over
// it (tables key by key, everything else replaced), checked against a JSON Schema with ajv. Every problem
// is reported at once, each with where it came from (the file and line, or the overrides' name), the key,
// and what was expected; schema defaults are filled in, so callers get a complete object. Suite configs,
// the simulator's config and sweep files all come through here.
import { readFileSync } from 'node:fs';
import { readTextFile } from '../files/read-text.js';
import { extname } from 'node:path';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parse, TomlError } from 'smol-toml';
import { isRecord } from '../../workflows/shared/records.js';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { deepMerge } from './merge.js';
import { keyLines, lineOf } from './toml-locate.js';

// ajv is CommonJS; under NodeNext its default export sits on `.default`.
const Ajv = AjvModule.default;

export type { ConfigProblem };

/** A parsed config file: its data, and its text when it is TOML (for line numbers in errors). */
export interface ConfigText {
  data: Record<string, unknown>;
  /** TOML source; absent for JSON and for objects that never were a file. */
  toml?: string;
  /** The file, or what the data is called in messages (e.g. "sweep input"). */
  source: string;
}

export interface CheckOptions {
  /** Values merged over the file's; problems in these keys are attributed to `overridesSource`. */
  overrides?: Record<string, unknown>;
  /** How the overrides are named in messages, e.g. "suiteConfig.ttft" or "--concurrency". */
  overridesSource?: string;
}

/** Reads and parses a config file (TOML, or JSON by its extension); ConfigError with file:line on bad syntax. */
export async function readConfigFile(path: string): Promise<ConfigText> {
  return parseConfigText(await readTextFile(path, 'config file', ConfigError), path);
}

/** The same, synchronously (the simulator reads its config while it builds its server). */
export function readConfigFileSync(path: string): ConfigText {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  return parseConfigText(text, path);
}

/** Parses config text; `source` names it in errors and decides the format (".json" → JSON, else TOML). */
export function parseConfigText(text: string, source: string): ConfigText {
  if (extname(source).toLowerCase() === '.json') {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`${source}: invalid JSON: ${(error as Error).message}`);
    }
    if (!isRecord(data)) throw new ConfigError(`${source}: expected a JSON object at the top level`);
    return { data, source };
  }
  try {
    return { data: parse(text), toml: text, source };
  } catch (error) {
    if (error instanceof TomlError) {
      throw new ConfigError(`${source}:${error.line}:${error.column}: invalid TOML: ${error.message.split('\n')[0]}`);
    }
    throw new ConfigError(`${source}: invalid TOML: ${(error as Error).message}`);
  }
}

/** Reads `path`, merges `overrides` over it and validates the result against `schema`. */
export async function loadConfig<T>(path: string, schema: object, options: CheckOptions = {}): Promise<T> {
  return checkConfig(await readConfigFile(path), schema, options) as T;
}

/**
 * Validates parsed config data (merged with the overrides) against `schema`; returns a defaulted copy. The
 * result has the shape `schema` describes; callers state that type (`as Config`), since a plain `object`
 * schema cannot carry it.
 */
export function checkConfig(file: ConfigText, schema: object, options: CheckOptions = {}): Record<string, unknown> {
  const overrides = options.overrides ?? {};
  // Validation fills defaults in place: work on a copy so neither the file's data nor the overrides change.
  const data = structuredClone(deepMerge(file.data, overrides));
  const problems = schemaProblems(data, schema, file, overrides, options.overridesSource ?? 'overrides');
  if (problems.length > 0) throw configErrorOf(problems, file.source);
  return data;
}

/** Validates an object that never was a file (sweep input, a test's inline config). */
export function checkObject(value: unknown, schema: object, source: string): Record<string, unknown> {
  if (!isRecord(value)) throw new ConfigError(`${source}: expected an object of config values, got ${describeValue(value)}`);
  return checkConfig({ data: value, source }, schema);
}

/** One ConfigError listing every problem, one per line, each with its source and key. */
export function configErrorOf(problems: ConfigProblem[], source: string): ConfigError {
  const unique = [...new Map(problems.map((p) => [formatProblem(p), p])).values()];
  const text = unique.map((p) => `  ${formatProblem(p)}`).join('\n');
  return new ConfigError(`${source}: ${unique.length} problem${unique.length > 1 ? 's' : ''} in config\n${text}`, { problems: unique });
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.source}${p.line ? `:${p.line}` : ''}: ${p.key ? `${p.key}: ` : ''}${p.message}`;
}

const validators = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  let v = validators.get(schema);
  if (!v) {
    v = new Ajv({ allErrors: true, strict: false, useDefaults: true, verbose: true, allowUnionTypes: true }).compile(schema);
    validators.set(schema, v);
  }
  return v;
}

function schemaProblems(data: unknown, schema: object, file: ConfigText, overrides: Record<string, unknown>, overridesSource: string): ConfigProblem[] {
  const validate = validatorFor(schema);
  if (validate(data)) return [];
  const lines = file.toml === undefined ? new Map<string, number>() : keyLines(file.toml);
  const errors = (validate.errors ?? []).filter((e) => !isUnionNoise(e, validate.errors ?? []));
  return errors.map((e) => {
    const { key, message } = describe(e);
    if (inOverrides(overrides, key)) return { source: overridesSource, key: key.join('.'), message };
    return { source: file.source, key: key.join('.'), message, ...lineField(lineOf(lines, key)) };
  });
}

// A value failing a oneOf/anyOf also fails each branch; the branch errors say what was wrong, the
// combinator's own "must match exactly one schema" adds nothing.
function isUnionNoise(e: ErrorObject, all: ErrorObject[]): boolean {
  return (e.keyword === 'oneOf' || e.keyword === 'anyOf') && all.some((o) => o !== e && o.instancePath.startsWith(e.instancePath));
}

function lineField(line: number | undefined): { line?: number } {
  return line === undefined ? {} : { line };
}

// A key is the overrides' when they set it or any table above it to a value that is not a table (a list or
// scalar replaces the file's whole value, so everything inside it came from the overrides).
function inOverrides(overrides: Record<string, unknown>, key: string[]): boolean {
  let at: unknown = overrides;
  for (const part of key) {
    if (!isRecord(at)) return at !== overrides;
    if (!(part in at)) return false;
    at = at[part];
  }
  return key.length > 0;
}

function describe(e: ErrorObject): { key: string[]; message: string } {
  const path = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = e.params as Record<string, unknown>;
  const hint = typeof (e.parentSchema as { description?: unknown } | undefined)?.description === 'string' ? ` (${(e.parentSchema as { description: string }).description})` : '';
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const allowed = allowedKeys(e.parentSchema);
      return { key: [...path, extra], message: `unknown key "${extra}"${allowed.length ? ` (allowed here: ${allowed.join(', ')})` : ''}` };
    }
    case 'required':
      return { key: [...path, String(params.missingProperty)], message: `required key "${String(params.missingProperty)}" is missing` };
    case 'type':
      return { key: path, message: `must be ${String(params.type)} (got ${describeValue(e.data)})` };
    case 'enum':
      return { key: path, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')} (got ${JSON.stringify(e.data)})` };
    case 'pattern':
      return { key: path, message: `must match ${String(params.pattern)}${hint} (got ${JSON.stringify(e.data)})` };
    default:
      return { key: path, message: `${e.message ?? e.keyword}${hint} (got ${JSON.stringify(e.data)})` };
  }
}

function allowedKeys(schema: unknown): string[] {
  const props = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props) : [];
}

export function describeValue(x: unknown): string {
  if (Array.isArray(x)) return `array ${JSON.stringify(x).slice(0, 40)}`;
  if (x === null) return 'null';
  if (typeof x === 'object') return 'table';
  return `${typeof x} ${JSON.stringify(x)}`;
}
