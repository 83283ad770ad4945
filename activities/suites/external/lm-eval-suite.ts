// lm-evaluation-harness as a suite: builds the command from the config, runs the real lm-eval against the
// endpoint through the subprocess runner (heartbeat progress from its "Requesting API" bar, the whole
// process group killed on cancel or timeout), and hands back the results file lm-eval wrote (the catalog's
// lm-eval converter reads it and the samples beside it).
//
// Resume: lm-eval runs with --use_cache on a sqlite file in the suite's work dir, which is the same for
// every attempt of this (sweep, model, suite). lm-eval stores each answer there as it arrives, so after
// a crash or a killed worker the next attempt answers finished samples from the cache and only sends the
// rest to the model. (lm-eval does not cache requests that sample, i.e. do_sample = true: those re-run.)
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ConfigError, NightshiftError } from '../../errors.js';
import type { SuiteContext, SuiteOutcome, SuiteRunner, ToolOutput } from '../types.js';
import { cleanEnv } from './clean-env.js';
import { findLmEval } from './find-tool.js';
import { buildLmEvalArgs, lmEvalPaths } from './lm-eval-command.js';
import type { LmEvalConfig } from './lm-eval-config.js';
import { LmEvalProgress } from './lm-eval-progress.js';
import { ExternalToolError, runSuiteTool } from './run-tool.js';
import { locateResultsFile } from '../../converters/lm-eval-locate.js';

export interface LmEvalSuiteOptions {
  /** Pid-file registry for orphan reaping (default: defaultRegistryDir() in process-registry.ts). */
  registryDir?: string;
  /** Environment the tool's clean environment is drawn from (tests pass their own HF_HOME). */
  env?: NodeJS.ProcessEnv;
}

export function createLmEvalSuite(options: LmEvalSuiteOptions = {}): SuiteRunner<LmEvalConfig> {
  return (context) => runLmEval(context, options);
}

// lm-eval failures that the config causes and a retry cannot fix: they become ConfigError, which the
// sweep's retry policy does not retry (a crash or a dropped connection stays retryable).
const CONFIG_FAILURES: Array<{ pattern: RegExp; key: string }> = [
  { pattern: /Tasks not found: /, key: 'tasks' },
  { pattern: /which is marked as unsafe\. Set confirm_run_unsafe_code/, key: 'confirm_run_unsafe_code' },
];

function asConfigError(error: unknown): ConfigError | undefined {
  if (!(error instanceof ExternalToolError)) return undefined;
  const known = CONFIG_FAILURES.find((f) => error.logTail.some((line) => f.pattern.test(line)));
  return known ? new ConfigError(`lm-eval config key "${known.key}": ${error.message}`, { cause: error }) : undefined;
}

/** The lm-eval suite with default options; register it for suites whose config is configs/lm-eval/*.toml. */
export const lmEvalSuite: SuiteRunner<LmEvalConfig> = createLmEvalSuite();

async function runLmEval(context: SuiteContext<LmEvalConfig>, options: LmEvalSuiteOptions): Promise<SuiteOutcome | ToolOutput> {
  const { config } = context;
  const sourceEnv = options.env ?? process.env;
  const tool = await findLmEval(sourceEnv);
  if (!tool.found) return { results: [], errors: [], skipped: { reason: tool.reason } };

  const paths = lmEvalPaths(context.workDir);
  await mkdir(paths.outputDir, { recursive: true });
  await mkdir(dirname(paths.cachePrefix), { recursive: true });
  const args = buildLmEvalArgs(config, context.endpoint, context.model, paths);
  const progress = new LmEvalProgress();
  const started = Date.now();

  try {
    await runSuiteTool(context, options.registryDir, {
      tool: 'lm-eval',
      command: tool.path,
      args,
      ...(config.include_path ? { cwd: config.include_path } : {}),
      env: cleanEnv({ allowHub: config.allow_hub_downloads, from: sourceEnv }),
      logName: 'lm-eval.log',
      timeoutMinutes: config.timeout_minutes,
      onLine: (line) => {
        const p = progress.update(line);
        if (p) context.onProgress(p);
      },
    });
  } catch (error) {
    throw asConfigError(error) ?? error;
  }

  const resultsFile = await locateResultsFile(paths.outputDir);
  // An attempt that found an older run's file would publish stale numbers: the file must be this run's.
  if ((await stat(resultsFile)).mtimeMs < started - 1_000) {
    throw new NightshiftError(`lm-eval exited 0 but wrote no new results under ${paths.outputDir} (newest is ${resultsFile})`);
  }
  const cached = progress.cachedRequests();
  const notes = cached > 0 ? [`lm-eval answered ${cached} request(s) from its cache of an earlier attempt (resumed run)`] : [];
  return { toolOutput: resultsFile, errors: notes, ...(tool.version ? { system: { lm_eval_version: tool.version } } : {}) };
}
