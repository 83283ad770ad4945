// What a suite's config module exports: the JSON Schema its file (merged with a sweep's overrides) must
// satisfy, and the checks a schema cannot express. Loading goes through the one loader (load-config.ts).
import { dirname } from 'node:path';
import { checkObject, loadConfig, type CheckOptions } from './load-config.js';

export interface ConfigSpec<Config> {
  /** JSON Schema; `default`s fill in what the file leaves out. */
  schema: object;
  /** Cross-key checks and values resolved against the config file's folder; throws ConfigError. */
  finish?: (config: Config, where: { source: string; dir: string }) => Config;
}

/** A config file with overrides merged over it, checked by the spec. */
export async function loadWithSpec<Config>(spec: ConfigSpec<Config>, file: string, options: CheckOptions = {}): Promise<Config> {
  const config = await loadConfig<Config>(file, spec.schema, options);
  return spec.finish ? spec.finish(config, { source: file, dir: dirname(file) }) : config;
}

/** A config given as an object (a test, an API caller); relative paths resolve against `dir`. */
export function checkWithSpec<Config>(spec: ConfigSpec<Config>, value: unknown, source: string, dir = process.cwd()): Config {
  const config = checkObject(value, spec.schema, source) as Config;
  return spec.finish ? spec.finish(config, { source, dir }) : config;
}
