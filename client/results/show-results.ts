// `nightshift results`' work: the published results through DuckDB, oldest first, or with --latest the
// leaderboard (the latest result per group, the rule in activities/dataset/latest-per-group.ts), as a
// table, JSON or CSV.
import { fittedTable, terminalWidth } from '../terminal/table.js';
import { defaultDatasetDir } from '../../activities/dataset/location.js';
import { leaderboard, queryResults, type LeaderboardRow, type ResultFilter, type ResultRow } from '../../activities/dataset/query.js';
import { InputError } from '../../activities/errors.js';

export interface ResultsOptions extends ResultFilter {
  datasetDir?: string;
  repoId?: string;
  format: 'table' | 'json' | 'csv';
  latest?: boolean;
}

export async function runResults(options: ResultsOptions): Promise<number> {
  if (options.datasetDir && options.repoId) throw new InputError('give either --dataset-dir or --repo-id, not both');
  const source = options.repoId ? { repoId: options.repoId } : { datasetDir: options.datasetDir ?? defaultDatasetDir() };
  const filter: ResultFilter = { suite: options.suite, model: options.model, metric: options.metric, since: options.since };
  const text = options.latest
    ? render(await leaderboard(source, filter), options.format, LATEST_COLUMNS)
    : render(await queryResults(source, filter), options.format);
  process.stdout.write(text);
  return 0;
}

const COLUMNS = ['timestamp', 'suite', 'model', 'name', 'metric', 'value', 'unit', 'git_sha', 'trigger', 'tags'] as const;
/** The leaderboard adds the machine (part of the group key) and which direction is better. */
const LATEST_COLUMNS = ['timestamp', 'suite', 'model', 'chip', 'name', 'metric', 'value', 'unit', 'better', 'better_source', 'git_sha', 'trigger', 'tags'] as const;
type Column = (typeof LATEST_COLUMNS)[number];
/** Left out of the table (still in json and csv). */
const TABLE_HIDDEN: readonly Column[] = ['tags', 'trigger', 'better_source'];

function cell(row: ResultRow | LeaderboardRow, column: Column, inTable = false): string {
  if (column === 'tags') return Object.entries(row.tags).map(([k, v]) => `${k}=${v}`).join(' ');
  // The table marks a direction guessed from the unit and name (no `better` tag), as the viewer does.
  if (inTable && column === 'better' && 'better' in row && row.better_source === 'guessed') return `${row.better}?`;
  // Every other column is a scalar; a ResultRow has no chip or direction (those cells read "undefined").
  const fields: Partial<Record<Exclude<Column, 'tags'>, string | number | null>> = row;
  return String(fields[column]);
}

export function render(rows: ReadonlyArray<ResultRow | LeaderboardRow>, format: ResultsOptions['format'], columns: readonly Column[] = COLUMNS, width: number | undefined = terminalWidth()): string {
  if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
  if (format === 'csv') {
    const lines = [columns.join(','), ...rows.map((r) => columns.map((c) => csvField(c === 'tags' ? JSON.stringify(r.tags) : cell(r, c))).join(','))];
    return `${lines.join('\n')}\n`;
  }
  if (rows.length === 0) return 'no results\n';
  const shown = columns.filter((c) => !TABLE_HIDDEN.includes(c));
  // On a terminal the git sha (its first characters are enough), then the result name, the model id and the
  // chip give way, shortened in the middle; value and unit never do.
  const order = [['git_sha', 12], ['name', 24], ['model', 24], ['chip', 24], ['name', 12], ['model', 12]] as const;
  const giveWay = order.map(([c, least]) => [shown.indexOf(c), least] as const).filter(([c]) => c >= 0);
  const table = fittedTable(shown, rows.map((row) => shown.map((c) => cell(row, c, true))), width, giveWay);
  return `${table}\n${rows.length} result${rows.length === 1 ? '' : 's'}\n`;
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
