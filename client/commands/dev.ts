// `nightshift dev`: a Temporal dev server for one-machine use, with a persistent database under the data
// directory (sweeps survive a restart), its Web UI, and Nightshift's search attributes registered.
// Runs until SIGINT/SIGTERM. Start `nightshift worker` in another terminal.
import { join } from 'node:path';
import type { Command } from 'commander';
import { integerFlag } from './flags.js';
import { withExamples } from './grammar.js';

export function registerDevCommand(program: Command): void {
  const dev = program
    .command('dev')
    .description('run a local Temporal dev server (persistent db under the data dir, Web UI)')
    .option('--port <n>', 'gRPC port', integerFlag('--port', 1, 65535), 7233)
    .option('--ui-port <n>', 'Web UI port', integerFlag('--ui-port', 1, 65535), 8233)
    .option('--data-dir <dir>', 'data directory (default $NIGHTSHIFT_DATA_DIR or ./.nightshift)')
    .action(async (o: { port: number; uiPort: number; dataDir?: string }) => {
      const { refuseBusyPort } = await import('../net/listen.js');
      // The dev server itself would find the port answered by whatever holds it and look started.
      await refuseBusyPort(o.port, '127.0.0.1', '--port');
      await refuseBusyPort(o.uiPort, '127.0.0.1', '--ui-port');
      const { dataDir } = await import('../../activities/sweep/paths.js');
      const { startDevServer } = await import('../temporal/dev-server.js');
      const { findTemporalCli } = await import('../temporal/temporal-cli.js');
      const temporalPath = await findTemporalCli((l) => process.stderr.write(`${l}\n`));
      const dbFile = join(o.dataDir ?? dataDir(), 'temporal', 'dev.sqlite');
      const server = await startDevServer({ temporalPath, dbFile, port: o.port, uiPort: o.uiPort });
      process.stderr.write(`Temporal dev server on ${server.address} (db ${dbFile})\nWeb UI: ${server.uiUrl}\nWorkers: TEMPORAL_ADDRESS=${server.address} nightshift worker\n`);
      process.stdout.write(`${JSON.stringify({ event: 'listening', address: server.address, ui: server.uiUrl, db: dbFile })}\n`);
      const stop = () => void server.stop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      await new Promise<void>((resolve) => server.process.once('exit', () => resolve()));
    });
  withExamples(dev, ['nightshift dev', 'nightshift dev --port 7300 --ui-port 8300 --data-dir ~/.nightshift']);
}
