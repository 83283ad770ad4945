// Real detection on this machine, and the Python probe against real interpreters (a fake venv, a
// missing one, one that hangs).
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectSystem } from '../../../activities/system/detect.js';
import { probePythonVersions } from '../../../activities/system/python-env.js';
import { validateEnvelope } from '../../../activities/envelope/validate.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-system-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function hostPython(): string | undefined {
  try {
    execFileSync('python3', ['-c', 'pass'], { stdio: 'ignore', timeout: 10_000 });
    return 'python3';
  } catch {
    return undefined;
  }
}

describe('detectSystem on this host', () => {
  it('describes the machine with schema-valid fields', async () => {
    const system = await detectSystem({ runner: 'test-worker' });
    expect(system.runner).toBe('test-worker');
    expect(Number.isInteger(system.memory_gb) && system.memory_gb > 0).toBe(true);
    expect(system.kernel).toBe((await import('node:os')).release());
    expect(system.os.length).toBeGreaterThan(0);
    expect(system.chip.length).toBeGreaterThan(0);
    for (const value of Object.values(system)) expect(String(value)).not.toMatch(/unknown/i);
    if (process.platform === 'linux') {
      const osRelease = execFileSync('sh', ['-c', '. /etc/os-release && echo "$NAME $VERSION_ID"'], {
        encoding: 'utf8',
      }).trim();
      expect(system.os).toBe(osRelease);
    }
    const envelope = {
      schema_version: '1',
      timestamp: '2026-11-23T02:00:00Z',
      git_sha: 'abcdef1',
      trigger: 'local',
      suite: 'throughput',
      model: 'sim-qwen-9b-4bit',
      system,
      results: [{ name: 'x', metric: 'x', value: 1, unit: 'x' }],
    };
    const verdict = validateEnvelope(envelope);
    expect(verdict.issues).toEqual([]);
  });

  it('reports the python version of the configured interpreter', async () => {
    const python = hostPython();
    if (!python) { expect(await probePythonVersions({ python: 'python3' })).toEqual({}); return; }
    const expected = execFileSync(python, ['-c', 'import platform; print(platform.python_version())'], {
      encoding: 'utf8',
    }).trim();
    const system = await detectSystem({ python });
    expect(system.python_version).toBe(expected);
  });
});

describe('python probe edge cases', () => {
  it('finds packages in a venv-like environment (bin/python)', async () => {
    // A stand-in interpreter script that prints what a venv with mlx-lm and lm-eval would report.
    const venv = join(dir, 'venv');
    await mkdir(join(venv, 'bin'), { recursive: true });
    const fake = join(venv, 'bin', 'python');
    await writeFile(fake, '#!/bin/sh\necho \'{"python": "3.12.1", "mlx_lm": "0.21.5", "lm_eval": "0.4.9"}\'\n');
    await chmod(fake, 0o755);
    expect(await probePythonVersions({ venv })).toEqual({
      python_version: '3.12.1',
      mlx_lm_version: '0.21.5',
      lm_eval_version: '0.4.9',
    });
  });

  it('reads NIGHTSHIFT_PYTHON when no interpreter option is given', async () => {
    const fake = join(dir, 'env-python');
    await writeFile(fake, '#!/bin/sh\necho \'{"python": "3.13.0"}\'\n');
    await chmod(fake, 0o755);
    expect(await probePythonVersions({ env: { ...process.env, NIGHTSHIFT_PYTHON: fake } })).toEqual({
      python_version: '3.13.0',
    });
  });

  it('omits every python field when the interpreter is missing', async () => {
    const system = await detectSystem({ python: join(dir, 'no-such-python') });
    expect(system).not.toHaveProperty('python_version');
    expect(system).not.toHaveProperty('mlx_version');
  });

  it('gives up on an interpreter that hangs, within the timeout', async () => {
    const hang = join(dir, 'hang-python');
    // It would answer after 20 s; with the probe killed at 300 ms its answer must never be read.
    await writeFile(hang, '#!/bin/sh\nsleep 20\necho \'{"python": "3.0.0"}\'\n');
    await chmod(hang, 0o755);
    expect(await probePythonVersions({ python: hang, timeoutMs: 300 })).toEqual({});
  });
});
