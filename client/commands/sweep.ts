// `nightshift sweep start|status|list|retry|skip|cancel`: sweeps on the Temporal server named by the
// standard environment configuration (TEMPORAL_ADDRESS, …). Exit codes: 0 ok (start --wait: every pair
// passed or skipped), 1 a pair failed or the sweep did not complete, 2 bad arguments or sweep file.
import { basename } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../activities/errors.js';
import { skipModelSignal } from '../../workflows/definitions.js';
import type { SweepResult } from '../../workflows/progress.js';
import { openClient, webUiLink } from '../temporal/connection.js';
import { sweepProgress } from '../temporal/progress.js';
import { loadSweepFile, retrySweep, startSweep, waitForSweep } from '../temporal/sweeps.js';
import { formatDuration, summaryTable } from '../temporal/summary.js';

export function registerSweepCommand(program: Command): void {
  const sweep = program.command('sweep').description('start and manage durable benchmark sweeps on Temporal');

  sweep
    .command('start')
    .description('start a sweep from a TOML file (same keys as the workflow input; see docs/sweeps.md)')
    .requiredOption('--config <file>', 'sweep file, e.g. configs/sweeps/nightly.toml')
    .option('--endpoint <url>', 'override the file\'s endpoint')
    .option('--host-queue <name>', 'override the host task queue')
    .option('--id <workflowId>', 'workflow id (default sweep-<time>-<random>)')
    .option('--wait', 'show live progress bars, then the summary table')
    .option('--json', 'with --wait: print the result as JSON instead of the table')
    .action(async (o: { config: string; endpoint?: string; hostQueue?: string; id?: string; wait?: boolean; json?: boolean }) => {
      const input = await loadSweepFile(o.config, { ...(o.endpoint ? { endpoint: o.endpoint } : {}), ...(o.hostQueue ? { hostQueue: o.hostQueue } : {}) });
      const { client, target, close } = await openClient();
      try {
        const handle = await startSweep(client, input, o.id);
        process.stderr.write(`started sweep ${handle.workflowId} (${input.models.length} model(s) × ${input.suites.length} suite(s))\n`);
        const link = webUiLink(undefined, target.namespace, handle.workflowId);
        if (link) process.stderr.write(`Web UI: ${link}\n`);
        if (!o.wait) {
          process.stdout.write(`${handle.workflowId}\n`);
          return;
        }
        const result = await waitForSweep(client, handle, { bars: !o.json && process.stderr.isTTY === true });
        process.stdout.write(o.json ? `${JSON.stringify(result, null, 2)}\n` : `${summaryTable(result)}\n${countsLine(result)}\n`);
        process.exitCode = result.counts.failed > 0 ? 1 : 0;
      } finally {
        await close();
      }
    });

  sweep
    .command('status')
    .description('progress of a sweep: every (model, suite) with state, attempt, percent, elapsed, ETA, shard, error')
    .argument('<workflowId>')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { json?: boolean }) => {
      await withClient(async (client) => {
        const progress = await sweepProgress(client, id);
        if (o.json) {
          process.stdout.write(`${JSON.stringify(progress, null, 2)}\n`);
          return;
        }
        process.stdout.write(`${id}: ${progress.state}${progress.retryOf ? ` (retry of ${progress.retryOf})` : ''}\n`);
        for (const m of progress.models) {
          process.stdout.write(`${m.model} [${m.state}]\n`);
          for (const s of m.suites) {
            const parts = [s.state, s.attempt ? `attempt ${s.attempt}` : '', s.percent !== undefined ? `${s.percent}%` : '', s.elapsedMs !== undefined ? `elapsed ${formatDuration(s.elapsedMs)}` : '', s.etaMs !== undefined ? `ETA ${formatDuration(s.etaMs)}` : '', s.shard ? basename(s.shard) : '', s.error ?? ''];
            process.stdout.write(`  ${s.suite}: ${parts.filter(Boolean).join(' · ')}\n`);
          }
        }
      });
    });

  sweep
    .command('list')
    .description('recent sweeps')
    .option('--limit <n>', 'how many', '20')
    .action(async (o: { limit: string }) => {
      await withClient(async (client) => {
        let n = 0;
        for await (const w of client.workflow.list({ query: `WorkflowType = 'benchmarkSweep'` })) {
          const memo = (w.memo ?? {}) as { models?: string[]; suites?: string[]; retryOf?: string };
          process.stdout.write(`${w.workflowId}\t${w.status.name}\t${w.startTime.toISOString()}\t${(memo.models ?? []).length} model(s) × ${(memo.suites ?? []).length} suite(s)${memo.retryOf ? `\tretry of ${memo.retryOf}` : ''}\n`);
          if (++n >= Number(o.limit)) break;
        }
      });
    });

  sweep
    .command('retry')
    .description('re-run failed pairs: update a running sweep, or start a new sweep of only the failed pairs of a finished one')
    .argument('<workflowId>')
    .option('--suite <suite>', 'only this suite')
    .option('--model <model>', 'only this model')
    .action(async (id: string, o: { suite?: string; model?: string }) => {
      await withClient(async (client) => {
        const outcome = await retrySweep(client, id, { ...(o.suite ? { suite: o.suite } : {}), ...(o.model ? { model: o.model } : {}) });
        if (outcome.kind === 'update') process.stdout.write(`queued in running sweep ${id}: ${outcome.queued.map((p) => `${p.model} · ${p.suite}`).join(', ')}\n`);
        else if (outcome.kind === 'new-sweep') {
          process.stderr.write(`started ${outcome.workflowId} for ${outcome.pairs.length} failed pair(s)\n`);
          process.stdout.write(`${outcome.workflowId}\n`);
        }
        else {
          process.stderr.write(`nothing to retry: ${outcome.reason}\n`);
          process.exitCode = 1;
        }
      });
    });

  sweep
    .command('skip')
    .description('skip a model of a running sweep (pending: never runs; running: stops at its current suite)')
    .argument('<workflowId>')
    .requiredOption('--model <model>', 'model id')
    .option('--reason <text>', 'recorded with the skipped pairs')
    .action(async (id: string, o: { model: string; reason?: string }) => {
      await withClient(async (client) => {
        await client.workflow.getHandle(id).signal(skipModelSignal, { model: o.model, ...(o.reason ? { reason: o.reason } : {}) });
        process.stderr.write(`asked ${id} to skip ${o.model}\n`);
      });
    });

  sweep
    .command('cancel')
    .description('cancel a sweep (the running suite stops at once; the model is unloaded)')
    .argument('<workflowId>')
    .action(async (id: string) => {
      await withClient(async (client) => {
        await client.workflow.getHandle(id).cancel();
        process.stderr.write(`cancellation requested for ${id}\n`);
      });
    });
}

function countsLine(result: SweepResult): string {
  return `${result.counts.passed} passed, ${result.counts.failed} failed, ${result.counts.skipped} skipped`;
}

async function withClient(fn: (client: Awaited<ReturnType<typeof openClient>>['client']) => Promise<void>): Promise<void> {
  const { client, close } = await openClient();
  try {
    await fn(client);
  } catch (error) {
    if ((error as Error).name === 'WorkflowNotFoundError') throw new InputError((error as Error).message);
    throw error;
  } finally {
    await close();
  }
}
