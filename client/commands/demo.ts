// `nightshift demo` (npm run demo): the whole product on one machine with no model server and no
// network. Starts a Temporal dev server (installing the CLI if needed), the simulated endpoint with two
// simulated models, both workers, runs configs/sweeps/demo.toml against it, publishes to the local
// dataset, prints the summary, the shards and the Web UI link, and shuts everything down.
import type { Command } from 'commander';
import { projectPath } from '../../activities/project-root.js';
import type { DemoOptions } from '../demo/run-demo.js';
import { renamedFlag, withExamples } from './grammar.js';

export function registerDemoCommand(program: Command): void {
  const demo = program
    .command('demo')
    .description('run a complete sweep against two simulated models on a local Temporal dev server')
    .option('--sweep <file>', 'sweep file', projectPath('configs', 'sweeps', 'demo.toml'))
    .option('--sim-config <file>', 'simulated endpoint config', projectPath('configs', 'sim', 'demo.toml'))
    .option('--dataset-dir <dir>', 'dataset directory (default $NIGHTSHIFT_DATASET_DIR or ./dataset)')
    .option('--keep-ui', 'keep the dev server and its Web UI running until Ctrl-C')
    .action(async (o: DemoOptions) => {
      const { runDemo } = await import('../demo/run-demo.js');
      process.exitCode = await runDemo(o);
    });
  renamedFlag(demo, { old: '--dataset', now: '--dataset-dir', key: 'datasetDir' });
  withExamples(demo, ['nightshift demo', 'nightshift demo --keep-ui --dataset-dir /tmp/demo-dataset']);
}
