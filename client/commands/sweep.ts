// `nightshift sweep start|status|list|retry|skip|cancel`: sweeps on the Temporal server named by the
// standard environment configuration (TEMPORAL_ADDRESS, …); the work is client/temporal/sweep-actions.ts.
// Exit codes: 0 ok (start --wait: every pair passed or skipped), 5 the sweep ran but a pair failed,
// 2 bad arguments or sweep file, 1 anything else (the sweep did not complete, the server is unreachable).
import { Option, type Command } from 'commander';
import { positiveInt } from './flags.js';
import { renamedFlag, temporalFlags, withExamples } from './grammar.js';
import type { StartFlags } from '../temporal/sweep-actions.js';

const actions = () => import('../temporal/sweep-actions.js');

export function registerSweepCommand(program: Command): void {
  const sweep = program.command('sweep').description('start and manage durable benchmark sweeps on Temporal');
  const format = () => new Option('--format <format>', 'output format').choices(['table', 'json']).default('table');

  const start = sweep
    .command('start')
    .description('start a sweep from a TOML file (same keys as the workflow input; see docs/sweeps.md)')
    .requiredOption('--config <file>', 'sweep file, e.g. configs/sweeps/nightly.toml')
    .option('--endpoint <url>', "override the file's endpoint")
    .option('--host-queue <name>', 'override the host task queue')
    .option('--id <workflowId>', 'workflow id (default sweep-<time>-<random>)')
    .option('--wait', 'show progress (bars on a terminal, else a line each time a pair starts or ends), then the summary')
    .addOption(new Option('--format <format>', 'with --wait: the summary table, or the result as JSON').choices(['table', 'json']).default('table'))
    .action(async (o: StartFlags) => {
      process.exitCode = await (await actions()).startAction(o);
    });
  renamedFlag(start, { old: '--json', now: '--format json', key: 'format', value: 'json' });
  temporalFlags(start);
  withExamples(start, ['nightshift sweep start --config configs/sweeps/demo.toml --wait', 'nightshift sweep start --config nightly.toml --endpoint http://127.0.0.1:8080 --id nightly-2026-11-24']);

  const status = sweep
    .command('status')
    .description('progress of a sweep: every (model, suite) with state, attempt, percent, elapsed, ETA, shard, error')
    .argument('<workflowId>')
    .addOption(format())
    .action(async (id: string, o: { format: 'table' | 'json' }) => (await actions()).statusAction(id, o));
  renamedFlag(status, { old: '--json', now: '--format json', key: 'format', value: 'json' });
  temporalFlags(status);
  withExamples(status, ['nightshift sweep status sweep-20261124-0200-ab12', 'nightshift sweep status sweep-20261124-0200-ab12 --format json']);

  const list = sweep
    .command('list')
    .description('recent sweeps: state, start, size and passed/failed/skipped pairs')
    .option('--limit <n>', 'how many', positiveInt('--limit'), 20)
    .addOption(format())
    .action(async (o: { limit: number; format: 'table' | 'json' }) => (await actions()).listAction(o));
  temporalFlags(list);
  withExamples(list, ['nightshift sweep list', 'nightshift sweep list --limit 5 --format json']);

  const retry = sweep
    .command('retry')
    .description('re-run failed pairs: update a running sweep, or start a new sweep of only the failed pairs of a finished one')
    .argument('<workflowId>')
    .option('--suite <suite>', 'only this suite')
    .option('--model <model>', 'only this model')
    .action(async (id: string, o: { suite?: string; model?: string }) => {
      process.exitCode = await (await actions()).retryAction(id, o);
    });
  temporalFlags(retry);
  withExamples(retry, ['nightshift sweep retry sweep-20261124-0200-ab12', 'nightshift sweep retry sweep-20261124-0200-ab12 --model qwen3-8b --suite ttft']);

  const skip = sweep
    .command('skip')
    .description('skip a model of a running sweep (pending: never runs; running: stops at its current suite)')
    .argument('<workflowId>')
    .requiredOption('--model <model>', 'model id')
    .option('--reason <text>', 'recorded with the skipped pairs')
    .action(async (id: string, o: { model: string; reason?: string }) => (await actions()).skipAction(id, o));
  temporalFlags(skip);
  withExamples(skip, ['nightshift sweep skip sweep-20261124-0200-ab12 --model qwen3-32b --reason "too slow tonight"']);

  const cancel = sweep
    .command('cancel')
    .description('cancel a sweep (the running suite stops at once; the model is unloaded)')
    .argument('<workflowId>')
    .action(async (id: string) => (await actions()).cancelAction(id));
  temporalFlags(cancel);
  withExamples(cancel, ['nightshift sweep cancel sweep-20261124-0200-ab12']);
}
