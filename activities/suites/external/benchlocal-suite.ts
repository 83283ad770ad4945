// benchlocal-cli as a suite: BenchLocal's deterministic, verifier-scored behaviour packs (tool calls,
// instruction following, structured output, data extraction, numeric reasoning) against the endpoint,
// whose result file goes through the benchlocal converter.
//
// Resume: benchlocal-cli runs with --incremental, which appends each scored scenario to
// `<result>.partial.jsonl` (crash-safe). An attempt that finds that journal and no result file runs
// `benchlocal-cli run --resume <journal>`, which scores only the missing scenarios and merges them; an
// attempt that finds the finished result converts it without running anything.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SuiteContext, SuiteOutcome, SuiteRunner, ToolOutput } from '../types.js';
import type { BenchlocalConfig } from './benchlocal-config.js';
import { cleanEnv } from './clean-env.js';
import { BENCHLOCAL_INSTALL_HINT, findBenchlocal } from './find-tool.js';
import { runSuiteTool } from './run-tool.js';
import { fileExists } from './files.js';
import type { ExternalSuiteOptions } from './vllm-bench-suite.js';

export { BENCHLOCAL_INSTALL_HINT };

export const RESULT_FILE = 'benchlocal-result.json';

/** The deterministic packs each mode runs (benchlocal-cli's README); sandboxed packs need Docker and are not included. */
const MODE_PACKS: Record<BenchlocalConfig['mode'], string[]> = {
  quick: ['toolcall-15', 'instructfollow-15'],
  medium: ['toolcall-15', 'instructfollow-15', 'structoutput-15', 'dataextract-15'],
  full: ['toolcall-15', 'instructfollow-15', 'structoutput-15', 'dataextract-15', 'reasonmath-15'],
};

/** Scenarios the run will score: pack ids end in their scenario count (toolcall-15, cli-40). */
export function expectedScenarios(config: BenchlocalConfig): number | undefined {
  const packs = config.packs.length > 0 ? config.packs : MODE_PACKS[config.mode];
  let sum = 0;
  for (const pack of packs) {
    const m = /-(\d+)$/.exec(pack);
    if (!m) return undefined;
    sum += Number(m[1]);
  }
  return sum;
}

export function buildBenchlocalArgs(config: BenchlocalConfig, endpoint: string, model: string, resultPath: string, resume: boolean): string[] {
  if (resume) return ['run', '--resume', `${resultPath}.partial.jsonl`, '--incremental', '--save-json', resultPath, '--output', 'json'];
  const args = ['run'];
  if (config.packs.length > 0) for (const pack of config.packs) args.push('--pack', pack);
  else args.push(`--${config.mode}`);
  args.push('--endpoint', endpoint.replace(/\/+$/, ''), '--model', model, '--incremental', '--save-json', resultPath, '--output', 'json');
  if (config.thinking === 'on') args.push('--enable-thinking');
  if (config.thinking === 'off') args.push('--no-thinking');
  if (config.timeout_per_case_seconds !== undefined) args.push('--timeout-per-case', String(config.timeout_per_case_seconds));
  if (!config.retry_failures) args.push('--no-retry');
  return args;
}

export function createBenchlocalSuite(options: ExternalSuiteOptions = {}): SuiteRunner<BenchlocalConfig> {
  return (context) => runBenchlocal(context, options);
}

export const benchlocalSuite: SuiteRunner<BenchlocalConfig> = createBenchlocalSuite();

async function countLines(path: string): Promise<number> {
  try {
    const text = await readFile(path, 'utf8');
    return text.split('\n').filter((l) => l.trim()).length;
  } catch {
    return 0;
  }
}

async function runBenchlocal(context: SuiteContext<BenchlocalConfig>, options: ExternalSuiteOptions): Promise<SuiteOutcome | ToolOutput> {
  const { config } = context;
  const env = options.env ?? process.env;
  const tool = await findBenchlocal(env);
  if (!tool.found) return { results: [], errors: [], skipped: { reason: tool.reason } };

  await mkdir(context.workDir, { recursive: true });
  const resultPath = join(context.workDir, RESULT_FILE);
  const journalPath = `${resultPath}.partial.jsonl`;
  const errors: string[] = [];
  if (await fileExists(resultPath)) {
    errors.push('benchlocal result of an earlier attempt reused (the tool had finished; the activity had not)');
    return { toolOutput: resultPath, errors };
  }
  const resume = await fileExists(journalPath);
  if (resume) errors.push(`benchlocal-cli resumed from ${await countLines(journalPath)} scenario(s) scored by an earlier attempt`);

  // benchlocal-cli prints no progress bar we can rely on; its journal gains one line per scored scenario.
  const expected = expectedScenarios(config);
  const poll = setInterval(() => {
    void countLines(journalPath).then((done) => {
      context.onProgress({ completed: done, total: Math.max(expected ?? 0, done), detail: `${done} scenarios scored` });
    });
  }, 5_000);
  try {
    await runSuiteTool(context, options.registryDir, {
      tool: 'benchlocal-cli',
      command: tool.path,
      args: buildBenchlocalArgs(config, context.endpoint, context.model, resultPath, resume),
      env: cleanEnv({ from: env, extra: pick(env, ['BENCHLOCAL_API_KEY']) }),
      logName: 'benchlocal.log',
      timeoutMinutes: config.timeout_minutes,
    });
  } finally {
    clearInterval(poll);
  }
  return { toolOutput: resultPath, errors };
}

function pick(env: NodeJS.ProcessEnv, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const value = env[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
