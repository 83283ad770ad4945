// Finds an external tool's executable, or says it is not installed and how to install it. A suite whose
// tool is missing returns SuiteOutcome.skipped with that text (recorded in the sweep result), never throws.
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../project-root.js';

const run = promisify(execFile);
const projectRoot = PROJECT_ROOT;

export type ToolLookup = { found: true; path: string; version?: string } | { found: false; reason: string };

export async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** First directory on PATH holding an executable `name`. */
export async function onPath(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (await executable(candidate)) return candidate;
  }
  return undefined;
}

export const LM_EVAL_INSTALL_HINT =
  'not installed: lm-eval (run deploy/setup/install-lm-eval.sh, which builds .tools/lm-eval-venv; or pip install "lm-eval[api]" ' +
  'into any Python >= 3.10 and set NIGHTSHIFT_LM_EVAL_PYTHON to that python)';

/** The Python that runs lm-eval: $NIGHTSHIFT_LM_EVAL_PYTHON, else the project's .tools/lm-eval-venv. It must
 * import lm_eval; its version comes back with it. */
export async function findLmEval(
  env: NodeJS.ProcessEnv = process.env,
  venvPython: string = join(projectRoot, '.tools', 'lm-eval-venv', 'bin', 'python'),
): Promise<ToolLookup> {
  const candidates = [env.NIGHTSHIFT_LM_EVAL_PYTHON, venvPython].filter(
    (c): c is string => Boolean(c),
  );
  for (const python of candidates) {
    if (!(await executable(python))) continue;
    try {
      const { stdout } = await run(python, ['-c', 'import importlib.metadata as m, lm_eval; print(m.version("lm_eval"))'], {
        timeout: 60_000,
      });
      return { found: true, path: python, version: stdout.trim() };
    } catch {
      continue;
    }
  }
  return { found: false, reason: LM_EVAL_INSTALL_HINT };
}

/** A tool that is one executable on PATH (or at the path an environment variable names). */
export async function findExecutable(name: string, envVar: string, hint: string, env: NodeJS.ProcessEnv = process.env): Promise<ToolLookup> {
  const named = env[envVar];
  if (named) {
    return (await executable(named)) ? { found: true, path: named } : { found: false, reason: `not installed: ${envVar}=${named} is not an executable; ${hint}` };
  }
  const path = await onPath(name, env);
  return path ? { found: true, path } : { found: false, reason: `not installed: ${name} is not on PATH; ${hint}` };
}

/** The project's tool folder (.tools, where deploy/setup/install-*.sh put venvs), or $NIGHTSHIFT_TOOLS_DIR. */
export function toolsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.NIGHTSHIFT_TOOLS_DIR ?? join(projectRoot, '.tools');
}

export const BENCHLOCAL_INSTALL_HINT =
  'run deploy/setup/install-benchlocal.sh (it installs benchlocal-cli, noonghunna/benchlocal-cli, from the vendored source into ' +
  '.tools/benchlocal-venv), or set NIGHTSHIFT_BENCHLOCAL to a benchlocal-cli executable';

/** benchlocal-cli: $NIGHTSHIFT_BENCHLOCAL, else the project's .tools/benchlocal-venv (install-benchlocal.sh), else PATH. */
export async function findBenchlocal(env: NodeJS.ProcessEnv = process.env): Promise<ToolLookup> {
  if (env.NIGHTSHIFT_BENCHLOCAL) return findExecutable('benchlocal-cli', 'NIGHTSHIFT_BENCHLOCAL', BENCHLOCAL_INSTALL_HINT, env);
  const venv = join(toolsDir(env), 'benchlocal-venv', 'bin', 'benchlocal-cli');
  if (await executable(venv)) return { found: true, path: venv };
  const path = await onPath('benchlocal-cli', env);
  return path ? { found: true, path } : { found: false, reason: `not installed: benchlocal-cli is neither in ${venv} nor on PATH; ${BENCHLOCAL_INSTALL_HINT}` };
}
