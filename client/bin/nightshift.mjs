#!/usr/bin/env node
// Installed entry point. Runs the compiled CLI in dist/ (built by `npm run build`, which `npm install`
// runs as `prepare`), so a call costs no TypeScript compile. When dist/ is missing or older than a source
// file — an edit not built yet — it runs the TypeScript sources through tsx instead: the command never runs
// code other than what is in the tree.
import { compiledCli } from './compiled.mjs';

const args = process.argv.slice(2);
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
