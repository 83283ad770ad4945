// `nightshift worker`: the host worker (activities that touch the model server, one at a time, on a
// queue named for this host) and the orchestration worker (workflows, publish) in one process, or either
// alone. Prints one JSON line {"event":"ready",...} on stdout once polling; SIGINT/SIGTERM shut down
// gracefully (running activities are cancelled and drained).
import { Option, type Command } from 'commander';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../terminal/log-options.js';
import { InputError } from '../../activities/errors.js';
import { renamedFlag, temporalFlags, withExamples } from './grammar.js';

export function registerWorkerCommand(program: Command): void {
  const worker = program
    .command('worker')
    .description('run the Nightshift Temporal workers (host + orchestration by default)')
    .option('--host-only', 'only the host worker (model-server activities)')
    .option('--orchestration-only', 'only the orchestration worker (workflows, publish)')
    .option('--host-queue <name>', 'host task queue (default $NIGHTSHIFT_HOST_QUEUE or nightshift-host-<hostname>)')
    .option('--data-dir <dir>', 'journals and work directories (default $NIGHTSHIFT_DATA_DIR or ./.nightshift)')
    .option('--dataset-dir <dir>', 'dataset directory for shards when a sweep names none (default $NIGHTSHIFT_DATASET_DIR or ./dataset)')
    .addOption(new Option('--log-format <format>', 'log as text lines or pino JSON lines, on stderr').choices(LOG_FORMATS).default('text'))
    .addOption(new Option('--log-level <level>', 'least severe log level shown').choices(LOG_LEVELS).default('info'))
    .action(async (o: { hostOnly?: boolean; orchestrationOnly?: boolean; hostQueue?: string; dataDir?: string; datasetDir?: string; logFormat: LogFormat; logLevel: LogLevel }) => {
      if (o.hostOnly && o.orchestrationOnly) throw new InputError('--host-only and --orchestration-only exclude each other');
      const { installWorkerLogging } = await import('../terminal/worker-logging.js');
      installWorkerLogging(o.logFormat, o.logLevel);
      // The worker SDK (and its native bridge) loads only for this command.
      const { startWorkers } = await import('../../workers/run.js');
      const workers = await startWorkers({
        host: !o.orchestrationOnly,
        orchestration: !o.hostOnly,
        ...(o.hostQueue ? { hostQueue: o.hostQueue } : {}),
        ...(o.dataDir ? { dataDir: o.dataDir } : {}),
        ...(o.datasetDir ? { dataset: o.datasetDir } : {}),
      });
      process.stdout.write(`${JSON.stringify({ event: 'ready', pid: process.pid, hostQueue: o.orchestrationOnly ? null : workers.hostQueue, orchestration: !o.hostOnly, namespace: workers.namespace })}\n`);
      await workers.done;
    });
  renamedFlag(worker, { old: '--dataset', now: '--dataset-dir', key: 'datasetDir' });
  temporalFlags(worker);
  withExamples(worker, [
    'nightshift worker                                   # both workers, for one machine',
    'nightshift worker --host-only --host-queue mac-studio --address temporal.lan:7233',
    'nightshift worker --orchestration-only --dataset-dir /data/nightshift',
  ]);
}
