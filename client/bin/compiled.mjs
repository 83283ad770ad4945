// Runs the CLI: the compiled copy in dist/ when it is current (dist/.build-stamp, written after every
// successful build, is newer than every source file: a stat per file, a few ms), else the TypeScript
// sources through tsx, so the command never runs stale code.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SOURCE_DIRS = ['workflows', 'activities', 'workers', 'client'];

/** URL of dist/client/cli.js when it is current, else undefined. */
export function compiledCli() {
  const stamp = join(root, 'dist', '.build-stamp');
  const cli = join(root, 'dist', 'client', 'cli.js');
  if (process.env.NIGHTSHIFT_FROM_SOURCE === '1' || !existsSync(stamp) || !existsSync(cli)) return undefined;
  const built = statSync(stamp).mtimeMs;
  for (const dir of SOURCE_DIRS) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts') && statSync(join(entry.parentPath, entry.name)).mtimeMs > built) return undefined;
    }
  }
  return pathToFileURL(cli).href;
}

/** Runs `nightshift ARGS` and sets the process exit code. */
export async function runCli(args) {
  const cli = compiledCli();
  if (!cli) {
    const { register } = await import('tsx/esm/api');
    register();
  }
  const { main } = await import(cli ?? '../cli.ts');
  process.exitCode = await main(args);
}
