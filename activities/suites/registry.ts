// Suite name → runner + config loader. The host worker looks suites up here; a sweep naming a suite this
// build has no runner for fails that pair with a non-retryable SuiteNotFound (the sweep goes on).
// Runners are imported lazily so a worker does not load every tool's code to run one suite.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse as parseToml } from 'smol-toml';
import { ConfigError } from '../errors.js';
import type { SuiteRunner } from './types.js';
import { qualitySuiteEntries } from './quality/registry-entries.js';
import { defaultToolFor } from '../../workflows/suite-tools.js';
import { deepMerge } from '../config/merge.js';

export interface SuiteEntry {
  /** Loads the runner module on first use. Each runner has its own config type, which its loadConfig
   * produces; `any` here is what lets runners with different config types share one map. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  runner: () => Promise<SuiteRunner<any>>;
  /** The suite's config: its file under configs/ with the sweep's overrides merged over it. */
  loadConfig: (overrides: Record<string, unknown>) => Promise<unknown>;
  /** Other tools that run this suite, chosen by the sweep's `suiteConfig.<suite>.tool`
   * (workflows/suite-tools.ts lists the names; this entry itself is the suite's default tool). */
  tools?: Readonly<Record<string, Omit<SuiteEntry, 'tools'>>>;
}

export type SuiteRegistry = ReadonlyMap<string, SuiteEntry>;

const configsDir = fileURLToPath(new URL('../../configs/', import.meta.url));

/** Reads configs/<file> (TOML) if it exists and merges overrides over it (objects deep, the rest replaced). */
export async function loadTomlConfig(file: string, overrides: Record<string, unknown>, root = configsDir): Promise<Record<string, unknown>> {
  const path = `${root}${file}`;
  let base: Record<string, unknown> = {};
  try {
    base = parseToml(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigError(`${path}: ${(error as Error).message}`);
  }
  return deepMerge(base, overrides);
}



/** The runner of `suite` by `tool` (undefined: the suite's default tool), or undefined when this build has none. */
export function resolveSuite(registry: SuiteRegistry, suite: string, tool?: string): Omit<SuiteEntry, 'tools'> | undefined {
  const entry = registry.get(suite);
  if (!entry || tool === undefined || tool === defaultToolFor(suite)) return entry;
  return entry.tools?.[tool];
}

/** The lm-eval suites (schema names whose configs live in configs/lm-eval/<suite>.toml). */
export const LM_EVAL_SWEEP_SUITES = ['reasoning', 'coding', 'knowledge', 'math-hard'] as const;

/** Every suite this build can run. */
export function defaultSuiteRegistry(): SuiteRegistry {
  const entries: Array<[string, SuiteEntry]> = [
    ['throughput', {
      runner: async () => (await import('./perf/throughput.js')).throughputSuite,
      // The perf runners validate (and default) the merged config themselves.
      loadConfig: (overrides) => loadTomlConfig('nightshift/throughput.toml', overrides),
      tools: {
        'vllm-bench': {
          runner: async () => (await import('./external/vllm-bench-suite.js')).vllmBenchSuite,
          loadConfig: async (overrides) => (await import('./external/vllm-bench-config.js')).loadVllmBenchConfig(`${configsDir}vllm/throughput.toml`, overrides),
        },
      },
    }],
    ['ttft', {
      runner: async () => (await import('./perf/ttft.js')).ttftSuite,
      loadConfig: (overrides) => loadTomlConfig('nightshift/ttft.toml', overrides),
    }],
    ...withTools(qualitySuiteEntries(), {
      'tool-calling': {
        benchlocal: {
          runner: async () => (await import('./external/benchlocal-suite.js')).benchlocalSuite,
          loadConfig: async (overrides) => (await import('./external/benchlocal-config.js')).loadBenchlocalConfig(`${configsDir}benchlocal/tool-calling.toml`, overrides),
        },
      },
    }),
    ...LM_EVAL_SWEEP_SUITES.map((suite): [string, SuiteEntry] => [suite, {
      runner: async () => (await import('./external/lm-eval-suite.js')).lmEvalSuite,
      loadConfig: async (overrides) => (await import('./external/lm-eval-config.js')).loadLmEvalConfig(`${configsDir}lm-eval/${suite}.toml`, overrides),
    }]),
  ];
  return new Map(entries);
}

function withTools(entries: Array<[string, SuiteEntry]>, tools: Record<string, SuiteEntry['tools']>): Array<[string, SuiteEntry]> {
  return entries.map(([suite, entry]) => [suite, tools[suite] ? { ...entry, tools: tools[suite] } : entry]);
}
