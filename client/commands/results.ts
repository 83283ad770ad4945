// `nightshift results [--dataset-dir D | --repo-id R] [--suite] [--model] [--metric] [--since]
// [--format table|json|csv]`: the published results, oldest first, through DuckDB. (The leaderboard —
// latest value per model × suite × result × metric — is `leaderboard()` in activities/dataset/query.ts.)
import { Option, type Command } from 'commander';
import Table from 'cli-table3';
import { SUITES } from '../../activities/envelope/types.js';
import { defaultDatasetDir } from '../../activities/dataset/location.js';
import { queryResults, type ResultFilter, type ResultRow } from '../../activities/dataset/query.js';
import { InputError } from '../../activities/errors.js';

interface ResultsOptions extends ResultFilter {
  datasetDir?: string;
  repoId?: string;
  format: 'table' | 'json' | 'csv';
}

export function registerResultsCommand(program: Command): void {
  program
    .command('results')
    .description('list published results from a dataset')
    .option('--dataset-dir <dir>', 'local dataset directory (default $NIGHTSHIFT_DATASET_DIR or ./dataset)')
    .option('--repo-id <owner/name>', 'public Hugging Face dataset repo, read through DuckDB hf:// paths')
    .addOption(new Option('--suite <suite>', 'only this suite').choices(SUITES))
    .option('--model <id>', 'only this model id (exact)')
    .option('--metric <metric>', 'only this metric')
    .option('--since <date>', 'only runs at or after this date or date-time')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'))
    .action(async (options: ResultsOptions) => {
      process.exitCode = await runResults(options);
    });
}

export async function runResults(options: ResultsOptions): Promise<number> {
  if (options.datasetDir && options.repoId) throw new InputError('give either --dataset-dir or --repo-id, not both');
  const source = options.repoId ? { repoId: options.repoId } : { datasetDir: options.datasetDir ?? defaultDatasetDir() };
  const filter: ResultFilter = { suite: options.suite, model: options.model, metric: options.metric, since: options.since };
  const rows = await queryResults(source, filter);
  process.stdout.write(render(rows, options.format));
  return 0;
}

const COLUMNS = ['timestamp', 'suite', 'model', 'name', 'metric', 'value', 'unit', 'git_sha', 'trigger', 'tags'] as const;

function cell(row: ResultRow, column: (typeof COLUMNS)[number]): string {
  if (column === 'tags') return Object.entries(row.tags).map(([k, v]) => `${k}=${v}`).join(' ');
  return String(row[column]);
}

export function render(rows: readonly ResultRow[], format: ResultsOptions['format']): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (format === 'csv') {
    const lines = [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => csvField(c === 'tags' ? JSON.stringify(r.tags) : cell(r, c))).join(','))];
    return `${lines.join('\n')}\n`;
  }
  if (rows.length === 0) return 'no results\n';
  const table = new Table({ head: COLUMNS.filter((c) => c !== 'tags' && c !== 'trigger').map(String) });
  for (const row of rows) table.push(COLUMNS.filter((c) => c !== 'tags' && c !== 'trigger').map((c) => cell(row, c)));
  return `${table.toString()}\n${rows.length} result${rows.length === 1 ? '' : 's'}\n`;
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
