// Locates (and if needed installs, through the project's own deploy/setup scripts) the external tools
// integration tests run for real: the Temporal CLI, llama-swap, lm-eval's virtualenv, Chromium, llama.cpp's
// llama-server and a small GGUF model for it ('gguf'), benchlocal-cli and the code sandbox ('sandbox').
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const found = new Map<string, string>();
/** Tools whose install script is not named install-<name>.sh. */
const SCRIPT_OF: Readonly<Record<string, string>> = { gguf: 'gguf-model' };

/** Runs deploy/setup/install-<name>.sh (idempotent; it prints the tool's path last) and returns the path. */
export function ensureTool(name: string): string {
  const cached = found.get(name);
  if (cached) return cached;
  const out = execFileSync('bash', [`${root}deploy/setup/install-${SCRIPT_OF[name] ?? name}.sh`], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const path = out.trim().split('\n').pop() ?? '';
  if (!path) throw new Error(`deploy/setup/install-${SCRIPT_OF[name] ?? name}.sh printed no path`);
  found.set(name, path);
  return path;
}

export const projectRoot = root;
