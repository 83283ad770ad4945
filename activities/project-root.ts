// Where the project's own files are (configs/, schema.json, deploy/, the viewer's static page): the
// folder holding package.json, found upwards from this module, so the same code works from the sources
// (activities/…) and from the compiled copy the installed CLI runs (dist/activities/…).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schema.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no Nightshift project folder (package.json + schema.json) above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

export const PROJECT_ROOT = findRoot();

/** An absolute path inside the project, e.g. projectPath('configs', 'sweeps'). */
export function projectPath(...parts: string[]): string {
  return join(PROJECT_ROOT, ...parts);
}
