// `nightshift publish RESULTS --kind K --suite S ...` (also installed as `mlx-bench-publish`): converts a
// tool's output to an envelope, validates it and publishes it as one immutable parquet shard.
// Exit codes: 0 ok (written, unchanged or planned), 1 unexpected, 2 unreadable input or bad arguments,
// 3 schema invalid, 4 publish failed. Results go to stdout, logs to stderr.
import { Option, type Command } from 'commander';
import { CONVERTER_KINDS } from '../../activities/converters/types.js';
import { SUITES, TRIGGERS, type Suite, type Trigger } from '../../workflows/shared/envelope.js';
import { collect } from './flags.js';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../terminal/log-options.js';
import { withExamples } from './grammar.js';

/** `envelope`: RESULTS already is a Nightshift envelope (e.g. written by a suite); it is published as is,
 * apart from the fields given on the command line. */
const KINDS = [...CONVERTER_KINDS, 'envelope'] as const;

export interface PublishCommandOptions {
  kind: (typeof KINDS)[number];
  suite?: Suite;
  model?: string;
  gitSha?: string;
  trigger?: Trigger;
  prNumber?: string;
  timestamp?: string;
  tag: string[];
  dryRun?: boolean;
  validate: boolean;
  datasetDir?: string;
  repoId?: string;
  logFormat: LogFormat;
  logLevel: LogLevel;
}

export function registerPublishCommand(program: Command): void {
  const publish = program
    .command('publish')
    .description('convert a tool result to an envelope and publish it as a parquet shard')
    .argument('<results>', "the tool's result file (or directory, for lm-eval), or an envelope with --kind envelope")
    .addOption(new Option('--kind <kind>', 'which tool wrote RESULTS').choices(KINDS).makeOptionMandatory())
    .addOption(new Option('--suite <suite>', 'benchmark suite the results belong to (required unless --kind envelope)').choices(SUITES))
    .option('--model <id>', 'model id, overriding the one in the file')
    .option('--git-sha <sha>', 'commit of the benchmark definitions (default: git rev-parse HEAD in the current directory)')
    .addOption(new Option('--trigger <trigger>', 'what started the run').choices(TRIGGERS))
    .option('--pr-number <n>', 'pull request number (with --trigger pr)')
    .option('--timestamp <iso>', 'run start as an ISO 8601 date-time, overriding the one in the file')
    .option('--tag <key=value>', 'tag added to every result; repeatable', collect, [])
    .option('--dry-run', 'validate and print the planned shard path and row count; write nothing')
    .option('--no-validate', 'skip schema validation (the shard layout still needs timestamp, git_sha, suite, model, results)')
    .option('--dataset-dir <dir>', 'local dataset directory (default $NIGHTSHIFT_DATASET_DIR or ./dataset)')
    .option('--repo-id <owner/name>', 'Hugging Face dataset repo instead of a local directory (token from HF_TOKEN, hub from HF_ENDPOINT)')
    .addOption(new Option('--log-format <format>', 'log as text lines or pino JSON').choices(LOG_FORMATS).default('text'))
    .addOption(new Option('--log-level <level>', 'least severe log level shown').choices(LOG_LEVELS).default('info'))
    .action(async (results: string, options: PublishCommandOptions) => {
      const { runPublish } = await import('../publish/publish-results.js');
      process.exitCode = await runPublish(results, options);
    });
  withExamples(publish, [
    'nightshift publish lm-eval-output/ --kind lm-eval --suite reasoning --model qwen3-8b',
    'nightshift publish bench.json --kind vllm-bench --suite throughput --model qwen3-8b --dry-run',
    'nightshift publish envelope.json --kind envelope --repo-id my-org/nightshift-results',
  ]);
}
