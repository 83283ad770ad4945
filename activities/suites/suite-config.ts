// A suite's config as it runs: its declaration's file under configs/, the sweep's overrides merged over it,
// validated through the one loader. The host worker does this before a suite runs, and the sweep's early
// check does it for every suite before any model loads, so a bad override fails at `sweep start`, not
// hours into the night.
import { resolve } from 'node:path';
import { loadWithSpec } from '../config/config-spec.js';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { projectPath } from '../project-root.js';
import { SUITES } from '../../workflows/shared/envelope.js';
import { findDeclaration, SUITE_CATALOG, toolsFor, type SuiteCatalog, type SuiteDeclaration } from './catalog.js';

export const CONFIGS_DIR = projectPath('configs');

export interface ResolvedSuite {
  declaration: SuiteDeclaration;
  config: unknown;
}

/** Loads `declaration`'s config with `overrides` merged over its file; `overridesSource` names them in errors. */
export async function loadSuiteConfig(declaration: SuiteDeclaration, overrides: Record<string, unknown>, overridesSource: string, configsDir = CONFIGS_DIR): Promise<unknown> {
  return loadWithSpec(await declaration.config(), resolve(configsDir, declaration.configFile), { overrides, overridesSource });
}

/**
 * The declaration and loaded config for one suite of a sweep. The sweep's `suiteConfig.<suite>` may name
 * the tool (`tool = "vllm-bench"`); the rest of it overrides that tool's config file. Every problem —
 * unknown suite, unknown tool, bad config values — is a ConfigError listing each one.
 */
export async function resolveSuite(suite: string, sweepConfig: Record<string, unknown>, options: { catalog?: SuiteCatalog; configsDir?: string } = {}): Promise<ResolvedSuite> {
  const catalog = options.catalog ?? SUITE_CATALOG;
  const where = `suiteConfig.${suite}`;
  const { tool, ...overrides } = sweepConfig;
  const fail = (problem: ConfigProblem): never => {
    throw new ConfigError(`${problem.source}: ${problem.key ? `${problem.key}: ` : ''}${problem.message}`, { problems: [problem] });
  };
  if (findDeclaration(suite, undefined, catalog) === undefined) {
    const known = [...new Set(catalog.map((d) => d.suite))].join(', ');
    // A name the envelope schema reserves but nothing runs yet says so, rather than "unknown".
    const reserved = (SUITES as readonly string[]).includes(suite);
    fail({
      source: 'suites',
      key: '',
      message: reserved
        ? `suite "${suite}" is in the envelope schema, but Nightshift has no runner for it yet (docs/suites.md); suites that run: ${known}`
        : `unknown suite "${suite}"; known suites: ${known}`,
    });
  }
  const tools = toolsFor(suite, catalog);
  if (tool !== undefined && (typeof tool !== 'string' || !(tools as string[]).includes(tool))) {
    fail({ source: where, key: 'tool', message: `unknown tool ${JSON.stringify(tool)} for suite "${suite}"; one of: ${tools.join(', ')} (default ${tools[0]})` });
  }
  const declaration = findDeclaration(suite, tool as string | undefined, catalog) as SuiteDeclaration;
  return { declaration, config: await loadSuiteConfig(declaration, overrides, where, options.configsDir) };
}
