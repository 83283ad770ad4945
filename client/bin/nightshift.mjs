#!/usr/bin/env node
// Installed entry point. Loads the TypeScript CLI through tsx's ESM loader so the command and the
// source can never drift apart (no separate build step to forget).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli.ts');
process.exitCode = await main(process.argv.slice(2));
