// `nightshift sweep start|status|list|retry|skip|cancel`: sweeps on the Temporal server named by the
// standard environment configuration (TEMPORAL_ADDRESS, …); the work is client/temporal/sweep-actions.ts.
// Exit codes: 0 ok (start --wait: every pair passed or skipped), 5 the sweep ran but a pair failed,
// 2 bad arguments or sweep file, 1 anything else (the sweep did not complete, the server is unreachable).
import type { Command } from 'commander';
import type { StartFlags } from '../temporal/sweep-actions.js';

const actions = () => import('../temporal/sweep-actions.js');

export function registerSweepCommand(program: Command): void {
  const sweep = program.command('sweep').description('start and manage durable benchmark sweeps on Temporal');

  sweep
    .command('start')
    .description('start a sweep from a TOML file (same keys as the workflow input; see docs/sweeps.md)')
    .requiredOption('--config <file>', 'sweep file, e.g. configs/sweeps/nightly.toml')
    .option('--endpoint <url>', "override the file's endpoint")
    .option('--host-queue <name>', 'override the host task queue')
    .option('--id <workflowId>', 'workflow id (default sweep-<time>-<random>)')
    .option('--wait', 'show live progress bars, then the summary table')
    .option('--json', 'with --wait: print the result as JSON instead of the table')
    .action(async (o: StartFlags) => {
      process.exitCode = await (await actions()).startAction(o);
    });

  sweep
    .command('status')
    .description('progress of a sweep: every (model, suite) with state, attempt, percent, elapsed, ETA, shard, error')
    .argument('<workflowId>')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => (await actions()).statusAction(id, o));

  sweep
    .command('list')
    .description('recent sweeps')
    .option('--limit <n>', 'how many', '20')
    .action(async (o: { limit: string }) => (await actions()).listAction(o));

  sweep
    .command('retry')
    .description('re-run failed pairs: update a running sweep, or start a new sweep of only the failed pairs of a finished one')
    .argument('<workflowId>')
    .option('--suite <suite>', 'only this suite')
    .option('--model <model>', 'only this model')
    .action(async (id: string, o: { suite?: string; model?: string }) => {
      process.exitCode = await (await actions()).retryAction(id, o);
    });

  sweep
    .command('skip')
    .description('skip a model of a running sweep (pending: never runs; running: stops at its current suite)')
    .argument('<workflowId>')
    .requiredOption('--model <model>', 'model id')
    .option('--reason <text>', 'recorded with the skipped pairs')
    .action(async (id: string, o: { model: string; reason?: string }) => (await actions()).skipAction(id, o));

  sweep
    .command('cancel')
    .description('cancel a sweep (the running suite stops at once; the model is unloaded)')
    .argument('<workflowId>')
    .action(async (id: string) => (await actions()).cancelAction(id));
}
