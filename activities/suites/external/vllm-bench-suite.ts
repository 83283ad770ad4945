// `vllm bench serve` as a suite: a synthetic-prompt load test of the endpoint (request and token
// throughput, TTFT/TPOT/ITL/E2E latency percentiles); its result file goes through the vllm-bench converter.
//
// Resume: a load test measured in two halves under different conditions is not one measurement, so an
// interrupted run starts over. What is kept is a finished run: vllm writes its result file only at the
// end, so an attempt that finds that file (the tool finished, then the worker died before the activity
// completed) converts it instead of loading the model server again.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SuiteContext, SuiteOutcome, SuiteRunner, ToolOutput } from '../types.js';
import { cleanEnv } from './clean-env.js';
import { findExecutable } from './find-tool.js';
import { endpointUrl } from './lm-eval-command.js';
import { fileExists } from './files.js';
import { parseTqdmLine } from './tqdm-progress.js';
import { runSuiteTool } from './run-tool.js';
import type { VllmBenchConfig } from './vllm-bench-config.js';

export const VLLM_INSTALL_HINT =
  'install vLLM (pip install vllm; on Apple Silicon vllm-metal or a CPU build) so that `vllm bench serve` runs, or set NIGHTSHIFT_VLLM to its executable';

export const RESULT_FILE = 'vllm-bench-result.json';

export interface ExternalSuiteOptions {
  registryDir?: string;
  env?: NodeJS.ProcessEnv;
}

export function buildVllmBenchArgs(config: VllmBenchConfig, endpoint: string, model: string, workDir: string): string[] {
  const url = new URL(endpointUrl(endpoint, config.model_type));
  const args = [
    'bench',
    'serve',
    '--backend',
    config.model_type === 'chat' ? 'openai-chat' : 'openai',
    '--base-url',
    url.origin,
    '--endpoint',
    url.pathname,
    '--model',
    model,
    '--tokenizer',
    config.tokenizer ?? model,
    '--dataset-name',
    'random',
    '--random-input-len',
    String(config.input_len),
    '--random-output-len',
    String(config.output_len),
    '--num-prompts',
    String(config.num_prompts),
    '--max-concurrency',
    String(config.max_concurrency),
    '--request-rate',
    config.request_rate === undefined ? 'inf' : String(config.request_rate),
    '--seed',
    String(config.seed),
    '--percentile-metrics',
    'ttft,tpot,itl,e2el',
    '--metric-percentiles',
    config.percentiles.join(','),
    '--save-result',
    '--result-dir',
    workDir,
    '--result-filename',
    RESULT_FILE,
  ];
  if (config.ignore_eos) args.push('--ignore-eos');
  return args;
}

export function createVllmBenchSuite(options: ExternalSuiteOptions = {}): SuiteRunner<VllmBenchConfig> {
  return (context) => runVllmBench(context, options);
}

export const vllmBenchSuite: SuiteRunner<VllmBenchConfig> = createVllmBenchSuite();

async function runVllmBench(context: SuiteContext<VllmBenchConfig>, options: ExternalSuiteOptions): Promise<SuiteOutcome | ToolOutput> {
  const { config } = context;
  const env = options.env ?? process.env;
  const tool = await findExecutable('vllm', 'NIGHTSHIFT_VLLM', VLLM_INSTALL_HINT, env);
  if (!tool.found) return { results: [], errors: [], skipped: { reason: tool.reason } };

  await mkdir(context.workDir, { recursive: true });
  const resultPath = join(context.workDir, RESULT_FILE);
  const errors: string[] = [];
  if (await fileExists(resultPath)) {
    errors.push('vllm bench result of an earlier attempt reused (the tool had finished; the activity had not)');
  } else {
    await runSuiteTool(context, options.registryDir, {
      tool: 'vllm bench serve',
      command: tool.path,
      args: buildVllmBenchArgs(config, context.endpoint, context.model, context.workDir),
      env: cleanEnv({ allowHub: config.allow_hub_downloads, from: env }),
      logName: 'vllm-bench.log',
      timeoutMinutes: config.timeout_minutes,
      onLine: (line) => {
        const bar = parseTqdmLine(line);
        if (bar && bar.total === config.num_prompts) {
          context.onProgress({ completed: bar.completed, total: bar.total, detail: `requests ${bar.completed}/${bar.total}` });
        }
      },
    });
  }
  return { toolOutput: resultPath, errors };
}
