#!/usr/bin/env node
// Installed entry point: `nightshift ARGS` (compiled CLI when current, else the sources; see compiled.mjs).
import { runCli } from './compiled.mjs';

await runCli(process.argv.slice(2));
