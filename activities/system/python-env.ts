// Reads the versions of python and the ML packages from ONE short interpreter call. The interpreter is
// the one the suites use (NIGHTSHIFT_PYTHON or a venv), so the envelope describes the environment that
// produced the numbers. A missing or hanging interpreter yields no fields, never an error or "unknown".
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { parsePythonProbe, type PythonVersions } from './parse.js';

export interface PythonProbeOptions {
  /** Interpreter to run. Default: `venv`/bin/python, else $NIGHTSHIFT_PYTHON, else `python3` on PATH. */
  python?: string;
  /** A virtualenv directory; its bin/python is used when `python` is not given. */
  venv?: string;
  /** Kill the probe after this long (default 5000 ms); a hung interpreter then reports nothing. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

// Distribution names are tried in both spellings because older wheels registered the underscore form.
const PROBE_SCRIPT = `
import json, platform
from importlib import metadata
out = {"python": platform.python_version()}
for key, names in (("mlx", ("mlx",)), ("mlx_lm", ("mlx-lm", "mlx_lm")),
                   ("lm_eval", ("lm-eval", "lm_eval")), ("vllm_mlx", ("vllm-mlx", "vllm_mlx"))):
    for name in names:
        try:
            out[key] = metadata.version(name)
            break
        except Exception:
            pass
print(json.dumps(out))
`;

/** Which interpreter the probe will run, given the options and environment. */
export function resolvePython(options: PythonProbeOptions = {}): string {
  const env = options.env ?? process.env;
  if (options.python) return options.python;
  if (options.venv) return join(options.venv, process.platform === 'win32' ? 'Scripts' : 'bin', 'python');
  return env.NIGHTSHIFT_PYTHON || 'python3';
}

export function probePythonVersions(options: PythonProbeOptions = {}): Promise<PythonVersions> {
  const python = resolvePython(options);
  return new Promise((resolve) => {
    execFile(
      python,
      ['-c', PROBE_SCRIPT],
      {
        timeout: options.timeoutMs ?? 5000,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024,
        env: { ...(options.env ?? process.env), PYTHONDONTWRITEBYTECODE: '1' },
      },
      (error, stdout) => resolve(error ? {} : parsePythonProbe(stdout)),
    );
  });
}
