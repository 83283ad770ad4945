#!/usr/bin/env node
// The seed project's command name, kept so its users' scripts and muscle memory still work:
// `mlx-bench-publish ARGS` is exactly `nightshift publish ARGS`.
import { compiledCli } from './compiled.mjs';

const args = ['publish', ...process.argv.slice(2)];
const cli = compiledCli();
if (cli) {
  const { main } = await import(cli);
  process.exitCode = await main(args);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../cli.ts');
  process.exitCode = await main(args);
}
