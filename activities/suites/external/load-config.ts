// Shared by the external suites' configs: read a TOML file, merge a sweep's overrides over it (tables
// deep, the rest replaced), and validate the merged object with the project's loader, keeping the file's
// line numbers in errors (activities/config/toml-config.ts only validates a file as it is).
import { readFile } from 'node:fs/promises';
import { parse, TomlError } from 'smol-toml';
import { validateConfig } from '../../config/toml-config.js';
import { ConfigError } from '../../errors.js';
import { deepMerge } from '../../config/merge.js';

export async function loadToolConfig<T>(path: string, schema: object, overrides: Record<string, unknown> = {}): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read config file ${path}: ${(error as Error).message}`);
  }
  let data: Record<string, unknown>;
  try {
    data = parse(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      throw new ConfigError(`${path}:${error.line}:${error.column}: invalid TOML: ${error.message.split('\n')[0]}`);
    }
    throw new ConfigError(`${path}: invalid TOML: ${(error as Error).message}`);
  }
  return validateConfig<T>(deepMerge(data, overrides), path, schema, text);
}

/** Validates a config given as an object (sweep input without a file). */
export function parseToolConfig<T>(value: unknown, source: string, schema: object): T {
  return validateConfig<T>(structuredClone(value), source, schema);
}


