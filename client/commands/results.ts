// `nightshift results [--dataset-dir D | --repo-id R] [--suite] [--model] [--metric] [--since] [--latest]
// [--format table|json|csv]`: the published results, oldest first, through DuckDB; with --latest the
// leaderboard instead (the latest result per group, the rule in activities/dataset/latest-per-group.ts).
import { Option, type Command } from 'commander';
import { SUITES } from '../../workflows/shared/envelope.js';
import type { ResultsOptions } from '../results/show-results.js';
import { withExamples } from './grammar.js';

export function registerResultsCommand(program: Command): void {
  const results = program
    .command('results')
    .description('list published results from a dataset')
    .option('--dataset-dir <dir>', 'local dataset directory (default $NIGHTSHIFT_DATASET_DIR or ./dataset)')
    .option('--repo-id <owner/name>', 'public Hugging Face dataset repo, read through DuckDB hf:// paths')
    .addOption(new Option('--suite <suite>', 'only this suite').choices(SUITES))
    .option('--model <id>', 'only this model id (exact)')
    .option('--metric <metric>', 'only this metric')
    .option('--since <date>', 'only runs at or after this date or date-time')
    .option('--latest', 'only the latest result per model, suite, result name, metric and chip (the leaderboard)')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .action(async (options: ResultsOptions) => {
      const { runResults } = await import('../results/show-results.js');
      process.exitCode = await runResults(options);
    });
  withExamples(results, [
    'nightshift results --latest',
    'nightshift results --suite ttft --model qwen3-8b --since 2026-11-01 --format csv',
  ]);
}
