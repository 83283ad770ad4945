#!/usr/bin/env node
// The seed project's command name, kept so its users' scripts and muscle memory still work:
// `mlx-bench-publish ARGS` is exactly `nightshift publish ARGS`.
import { runCli } from './compiled.mjs';

await runCli(['publish', ...process.argv.slice(2)]);
