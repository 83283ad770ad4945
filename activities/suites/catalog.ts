// Every suite Nightshift can run, one declaration per (suite, tool). A declaration says everything the rest
// of the product needs to know: the suite's name (the envelope's `suite`), the tool that runs it, its
// config file under configs/ and that config's schema, the runner (loaded only when the suite runs), how
// its output becomes envelope results, and — for quality suites — which packs it runs in which mode.
// Sweep input checks, the host worker, `nightshift quality`, and the docs' tables all read this list;
// adding a suite is one entry here, a runner module and a config file (docs/architecture.md shows how).
import { SUITES, type Suite } from '../../workflows/shared/envelope.js';
import type { ConverterKind } from '../converters/types.js';
import type { ConfigSpec } from '../config/config-spec.js';
import type { SuiteRunner } from './types.js';

/** Programs that run suites. `nightshift` is the project's own load generator and quality runner. */
export const TOOLS = ['nightshift', 'lm-eval', 'vllm-bench', 'benchlocal'] as const;
export type ToolName = (typeof TOOLS)[number];

/** Quality modes (`nightshift quality run --mode`, benchlocal-cli's --quick/--medium/--full/--reasoning).
 * `reasoning` is benchlocal-cli's reasoning set: HumanEval+, LiveCodeBench, GPQA, GSM-Symbolic. */
export const QUALITY_MODES = ['quick', 'medium', 'full', 'reasoning'] as const;
export type QualityMode = (typeof QUALITY_MODES)[number];

export interface SuiteDeclaration<Config = unknown> {
  suite: Suite;
  /** The first declaration of a suite is its default tool; a sweep picks another with `suiteConfig.<suite>.tool`. */
  tool: ToolName;
  /** The suite's config file, relative to configs/ (or absolute); a sweep's `suiteConfig.<suite>` merges over it. */
  configFile: string;
  config: () => Promise<ConfigSpec<Config>>;
  runner: () => Promise<SuiteRunner<Config>>;
  /** "results": the runner returns envelope results; otherwise the converter for the tool's output file. */
  output: 'results' | ConverterKind;
  /** Quality suites: the project's packs (configs/packs/<id>.jsonl) this suite runs, with the modes each is in. */
  packs?: Readonly<Record<string, readonly QualityMode[]>>;
  /** Quality suites: other packs (e.g. BenchLocal's own files) publish here when their verifier is one of these. */
  verifiers?: readonly string[];
}

// Each entry keeps its config and runner types together; the list itself holds them type-erased.
function declare<Config>(declaration: SuiteDeclaration<Config>): SuiteDeclaration {
  return declaration as unknown as SuiteDeclaration;
}

const perfConfig = (suite: 'throughput' | 'ttft') => async () => (await import('./perf/config.js')).perfConfigSpec(suite);
const perfRunner = async () => (await import('./perf/run-perf-suite.js')).runPerfSuite;
const qualityConfig = async () => (await import('./quality/suite-config.js')).qualitySuiteConfigSpec;
const qualityRunner = async () => (await import('./quality/suite-runner.js')).runQualitySuite;
const lmEvalConfig = async () => (await import('./external/lm-eval-config.js')).lmEvalConfigSpec;
const lmEvalRunner = async () => (await import('./external/lm-eval-suite.js')).lmEvalSuite;
const ALL_MODES = ['quick', 'medium', 'full'] as const;
const MEDIUM_UP = ['medium', 'full'] as const;
const REASONING = ['reasoning'] as const;

export const SUITE_CATALOG: readonly SuiteDeclaration[] = [
  declare({
    suite: 'throughput',
    tool: 'nightshift',
    configFile: 'nightshift/throughput.toml',
    config: perfConfig('throughput'),
    runner: perfRunner,
    output: 'results',
  }),
  declare({
    suite: 'throughput',
    tool: 'vllm-bench',
    configFile: 'vllm/throughput.toml',
    config: async () => (await import('./external/vllm-bench-config.js')).vllmBenchConfigSpec,
    runner: async () => (await import('./external/vllm-bench-suite.js')).vllmBenchSuite,
    output: 'vllm-bench',
  }),
  declare({
    suite: 'ttft',
    tool: 'nightshift',
    configFile: 'nightshift/ttft.toml',
    config: perfConfig('ttft'),
    runner: perfRunner,
    output: 'results',
  }),
  declare({
    suite: 'tool-calling',
    tool: 'nightshift',
    configFile: 'quality/tool-calling.toml',
    config: qualityConfig,
    runner: qualityRunner,
    output: 'results',
    packs: { 'ns-toolcall-15': ALL_MODES },
    verifiers: ['tool_call'],
  }),
  declare({
    suite: 'tool-calling',
    tool: 'benchlocal',
    configFile: 'benchlocal/tool-calling.toml',
    config: async () => (await import('./external/benchlocal-config.js')).benchlocalConfigSpec,
    runner: async () => (await import('./external/benchlocal-suite.js')).benchlocalSuite,
    output: 'benchlocal',
  }),
  declare({
    suite: 'capability-comparison',
    tool: 'nightshift',
    configFile: 'quality/capability-comparison.toml',
    config: qualityConfig,
    runner: qualityRunner,
    output: 'results',
    // Instruction following, structured output, extraction and short numeric reasoning compare general
    // capabilities; `reasoning` and `math-hard` are lm-eval's suites.
    packs: { 'ns-instructfollow-15': ALL_MODES, 'ns-structoutput-15': MEDIUM_UP, 'ns-dataextract-15': MEDIUM_UP, 'ns-reasonmath-15': MEDIUM_UP },
    verifiers: ['instruct_follow', 'struct_output', 'data_extract', 'reason_math'],
  }),
  // Packs that run model code in the sandbox (activities/sandbox/): only with allow_code_execution = true.
  declare({
    suite: 'evalplus',
    tool: 'nightshift',
    configFile: 'quality/evalplus.toml',
    config: qualityConfig,
    runner: qualityRunner,
    output: 'results',
    packs: { 'humaneval-plus-30': REASONING },
  }),
  declare({
    suite: 'code-accuracy',
    tool: 'nightshift',
    configFile: 'quality/code-accuracy.toml',
    config: qualityConfig,
    runner: qualityRunner,
    output: 'results',
    packs: { 'lcb-v6-30': REASONING },
  }),
  ...(['reasoning', 'coding', 'knowledge', 'math-hard'] as const).map((suite) =>
    declare({ suite, tool: 'lm-eval', configFile: `lm-eval/${suite}.toml`, config: lmEvalConfig, runner: lmEvalRunner, output: 'lm-eval' }),
  ),
];

/** A catalog: the built-in one, or (in tests) one with extra entries. */
export type SuiteCatalog = readonly SuiteDeclaration[];

/** The suites a sweep can name, in catalog order. */
export function suiteNames(catalog: SuiteCatalog = SUITE_CATALOG): Suite[] {
  return [...new Set(catalog.map((d) => d.suite))];
}

/** The tools that run `suite`, default first. */
export function toolsFor(suite: string, catalog: SuiteCatalog = SUITE_CATALOG): ToolName[] {
  return catalog.filter((d) => d.suite === suite).map((d) => d.tool);
}

/** The declaration for `suite` run by `tool` (default: the suite's default tool), if there is one. */
export function findDeclaration(suite: string, tool?: string, catalog: SuiteCatalog = SUITE_CATALOG): SuiteDeclaration | undefined {
  return catalog.find((d) => d.suite === suite && (tool === undefined || d.tool === tool));
}

/** `nightshift quality run --reasoning`: benchlocal-cli's reasoning set (its `--reasoning` mode, same order).
 * GSM-Symbolic and GPQA publish under their header's suite (`reasoning`); no sweep suite runs them. */
export const REASONING_PACKS = ['humaneval-plus-30', 'lcb-v6-30', 'gpqa-diamond', 'gsm-symbolic-30'] as const;

/** The packs that a quality mode runs, across every quality suite. */
export function packsForMode(mode: QualityMode, catalog: SuiteCatalog = SUITE_CATALOG): string[] {
  if (mode === 'reasoning') return [...REASONING_PACKS];
  return catalog.flatMap((d) => Object.entries(d.packs ?? {}).filter(([, modes]) => modes.includes(mode)).map(([id]) => id));
}

/** The suite a quality pack publishes under: the one that lists it, else the suite its header names, else
 * the one owning its verifier. (The listing comes first: benchlocal-cli's HumanEval+ header says
 * "reasoning", lm-eval's suite here, while Nightshift runs it as evalplus.) */
export function suiteForPack(pack: { pack_id: string; verifier_module?: unknown; suite?: unknown }, catalog: SuiteCatalog = SUITE_CATALOG): Suite {
  const listed = catalog.find((d) => d.packs?.[pack.pack_id] !== undefined);
  if (listed) return listed.suite;
  if ((SUITES as readonly unknown[]).includes(pack.suite)) return pack.suite as Suite;
  const byVerifier = catalog.find((d) => typeof pack.verifier_module === 'string' && d.verifiers?.includes(pack.verifier_module));
  if (byVerifier) return byVerifier.suite;
  // BenchLocal's own pack ids carry no verifier module in their meta; their names say what they test.
  return /toolcall/i.test(pack.pack_id) ? 'tool-calling' : 'capability-comparison';
}
