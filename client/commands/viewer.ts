// `nightshift viewer`: serve the results viewer over a dataset, or export it as a static site.
import type { Command } from 'commander';
import { InputError } from '../../activities/errors.js';
import { withExamples } from './grammar.js';

interface ViewerOptions {
  datasetDir?: string;
  repoId?: string;
  port: string;
  host: string;
  export?: string;
  temporalUi: string;
  namespace: string;
}

export function registerViewerCommand(program: Command): void {
  const viewer = program
    .command('viewer')
    .description('serve the results viewer (leaderboard, trends, runs) over a dataset')
    .option('--dataset-dir <dir>', 'local dataset directory (default: $NIGHTSHIFT_DATASET_DIR or ./dataset)')
    .option('--repo-id <repo>', 'Hugging Face dataset repo (owner/name); shards are cached locally')
    .option('--port <port>', 'port to listen on', '8300')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--export <dir>', 'write a static copy of the viewer (HTML + data) to DIR and exit')
    .option('--temporal-ui <url>', 'Temporal Web UI base URL for run links', process.env.NIGHTSHIFT_TEMPORAL_UI ?? 'http://localhost:8233')
    .option('--namespace <ns>', 'Temporal namespace for run links', process.env.TEMPORAL_NAMESPACE ?? 'default')
    .action(async (options: ViewerOptions) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InputError(`--port must be a port number (0-65535), got "${options.port}"`);
      // Loaded on use so other commands do not pay for DuckDB and the hub client at startup.
      const { resolveDatasetForReading } = await import('../viewer/dataset-source.js');
      const { ViewerStore } = await import('../viewer/store.js');
      const datasetDir = await resolveDatasetForReading(options);
      const store = await ViewerStore.open(datasetDir);
      const settings = { temporalUiUrl: options.temporalUi, temporalNamespace: options.namespace };
      if (options.export) {
        const { exportStaticSite } = await import('../viewer/export.js');
        const done = await exportStaticSite(store, options.export, settings);
        process.stdout.write(`exported ${done.runs} runs (${done.points} results) to ${done.dir}\n`);
        return;
      }
      const { startViewer } = await import('../viewer/server.js');
      const viewer = await startViewer(store, { host: options.host, port, ...settings });
      const status = await store.status();
      process.stdout.write(`viewer at ${viewer.url} over ${datasetDir} (${status.shards} shards)\n`);
      for (const w of status.warnings) process.stderr.write(`warning: ${w.file}: ${w.message}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => void viewer.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
  withExamples(viewer, [
    'nightshift viewer --dataset-dir ./dataset',
    'nightshift viewer --repo-id my-org/nightshift-results --port 8400',
    'nightshift viewer --dataset-dir ./dataset --export ./site',
  ]);
}
