// Loads a TOML config file and checks it against a JSON Schema (ajv), reporting every problem at once
// with the file, line and key: unknown keys (with the keys that are allowed there), wrong types,
// values out of range. Schema defaults are filled in, so callers get a complete config object.
// Any suite or tool config uses it: `loadTomlConfig<MyConfig>(path, schema)`.
import { readFile } from 'node:fs/promises';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parse, TomlError } from 'smol-toml';
import { ConfigError } from '../errors.js';
import { keyLines, lineOf } from './toml-locate.js';

const Ajv = AjvModule.default;

export interface ConfigProblem {
  /** Dotted key path, e.g. "concurrency" or "models.1.name"; "" for the whole file. */
  key: string;
  line?: number;
  message: string;
}

const validators = new WeakMap<object, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  let v = validators.get(schema);
  if (!v) {
    v = new Ajv({ allErrors: true, strict: false, useDefaults: true, verbose: true }).compile(schema);
    validators.set(schema, v);
  }
  return v;
}

export async function loadTomlConfig<T>(path: string, schema: object): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  return parseTomlConfig<T>(text, path, schema);
}

/** Parses and validates TOML text; `source` names it in errors (a path, or e.g. "--config"). */
export function parseTomlConfig<T>(text: string, source: string, schema: object): T {
  let data: Record<string, unknown>;
  try {
    data = parse(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      const firstLine = error.message.split('\n')[0];
      throw new ConfigError(`${source}:${error.line}:${error.column}: invalid TOML: ${firstLine}`);
    }
    throw new ConfigError(`${source}: invalid TOML: ${(error as Error).message}`);
  }
  return validateConfig<T>(data, source, schema, text);
}

/** Validates an already-parsed object (e.g. JSON input); lines are given when the TOML text is. */
export function validateConfig<T>(data: unknown, source: string, schema: object, tomlText?: string): T {
  const validate = validatorFor(schema);
  if (validate(data)) return data as T;
  const lines = tomlText === undefined ? new Map<string, number>() : keyLines(tomlText);
  const problems = (validate.errors ?? []).map((e) => describe(e, lines));
  const unique = [...new Map(problems.map((p) => [`${p.line}|${p.key}|${p.message}`, p])).values()];
  const text = unique.map((p) => `  ${source}${p.line ? `:${p.line}` : ''}: ${p.key ? `${p.key}: ` : ''}${p.message}`).join('\n');
  const error = new ConfigError(`${source}: ${unique.length} problem${unique.length > 1 ? 's' : ''} in config\n${text}`);
  Object.assign(error, { problems: unique });
  throw error;
}

function describe(e: ErrorObject, lines: Map<string, number>): ConfigProblem {
  const path = e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const key = [...path, extra];
      const allowed = allowedKeys(e.parentSchema);
      return {
        key: key.join('.'),
        line: lineOf(lines, key),
        message: `unknown key "${extra}"${allowed.length ? ` (allowed here: ${allowed.join(', ')})` : ''}`,
      };
    }
    case 'required': {
      const missing = String(params.missingProperty);
      return { key: [...path, missing].join('.'), line: lineOf(lines, path), message: `required key "${missing}" is missing` };
    }
    case 'type':
      return { key: path.join('.'), line: lineOf(lines, path), message: `must be ${String(params.type)} (got ${typeName(e.data)})` };
    case 'enum':
      return {
        key: path.join('.'),
        line: lineOf(lines, path),
        message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')} (got ${JSON.stringify(e.data)})`,
      };
    default:
      return { key: path.join('.'), line: lineOf(lines, path), message: `${e.message ?? e.keyword} (got ${JSON.stringify(e.data)})` };
  }
}

function allowedKeys(schema: unknown): string[] {
  const props = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props) : [];
}

function typeName(x: unknown): string {
  if (Array.isArray(x)) return `array ${JSON.stringify(x).slice(0, 40)}`;
  if (x === null) return 'null';
  if (typeof x === 'object') return 'table';
  return `${typeof x} ${JSON.stringify(x)}`;
}
