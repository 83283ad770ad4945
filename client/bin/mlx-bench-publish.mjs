#!/usr/bin/env node
// The seed project's command name, kept so its users' scripts and muscle memory still work:
// `mlx-bench-publish ARGS` is exactly `nightshift publish ARGS`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli.ts');
process.exitCode = await main(['publish', ...process.argv.slice(2)]);
