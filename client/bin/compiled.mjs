// Whether the compiled CLI (dist/) is current: dist/.build-stamp is written after every successful build;
// any source file changed since makes it stale. Checking costs a stat per source file (a few ms).
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
