// Locates (and if needed installs, through the project's own deploy/setup scripts) the external tools
// integration tests run for real: the Temporal CLI, llama-swap, lm-eval's virtualenv, Chromium.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const found = new Map<string, string>();

/** Runs deploy/setup/install-<name>.sh (idempotent; it prints the tool's path last) and returns the path. */
export function ensureTool(name: string): string {
  const cached = found.get(name);
  if (cached) return cached;
  const out = execFileSync('bash', [`${root}deploy/setup/install-${name}.sh`], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const path = out.trim().split('\n').pop() ?? '';
  if (!path) throw new Error(`deploy/setup/install-${name}.sh printed no path`);
  found.set(name, path);
  return path;
}

export const projectRoot = root;
