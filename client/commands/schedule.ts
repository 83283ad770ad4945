// `nightshift schedule create|list|delete`: nightly sweeps from a sweep file, as Temporal Schedules on the
// server named by the standard environment configuration (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, …); the
// work is client/schedules/schedule-actions.ts. Exit codes: 0 ok, 2 bad arguments, sweep file or id.
import { Option, type Command } from 'commander';
import type { CreateFlags } from '../schedules/schedule-actions.js';
import { temporalFlags, withExamples } from './grammar.js';

const actions = () => import('../schedules/schedule-actions.js');

export function registerScheduleCommand(program: Command): void {
  const schedule = program.command('schedule').description('run a sweep file on a cron schedule (Temporal Schedules; shown in the Web UI under Schedules)');

  const create = schedule
    .command('create')
    .description('create a schedule that starts the sweep in --config at every --cron time (the file is read and checked now)')
    .requiredOption('--config <file>', 'sweep file, e.g. configs/sweeps/nightly.toml')
    .requiredOption('--cron <expr>', 'cron expression, 5 fields: minute hour day-of-month month day-of-week, e.g. "0 2 * * *"')
    .option('--id <scheduleId>', 'schedule id (default nightshift-<file name>)')
    .option('--timezone <tz>', 'IANA time zone of --cron, e.g. Europe/Berlin (default UTC)')
    .addOption(
      new Option('--overlap <policy>', 'when the previous sweep still runs: skip that night, buffer-one (start when it ends), allow-all (start and queue on the host)')
        .choices(['skip', 'buffer-one', 'allow-all'])
        .default('skip'),
    )
    .option('--replace', 'replace the schedule with this id (sweeps it already started are not affected)')
    .option('--paused', 'create it paused (unpause in the Web UI or with `temporal schedule toggle --unpause`)')
    .option('--note <text>', 'note shown with the schedule (default: the sweep file)')
    .action(async (o: CreateFlags) => {
      process.exitCode = await (await actions()).createAction(o);
    });

  withExamples(temporalFlags(create), [
    'nightshift schedule create --config configs/sweeps/nightly.toml --cron "0 2 * * *"',
    'nightshift schedule create --config configs/sweeps/nightly.toml --cron "30 1 * * 1-5" --timezone Europe/Berlin --replace',
  ]);

  const list = schedule
    .command('list')
    .description('sweep schedules: cron, state, next and last start')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (o: { format: string }) => (await actions()).listAction(o));

  withExamples(temporalFlags(list), ['nightshift schedule list', 'nightshift schedule list --format json']);

  const remove = schedule
    .command('delete')
    .description('delete a schedule (sweeps it started keep running)')
    .argument('<scheduleId>')
    .action(async (id: string) => (await actions()).deleteAction(id));
  withExamples(temporalFlags(remove), ['nightshift schedule delete nightshift-nightly']);
}
