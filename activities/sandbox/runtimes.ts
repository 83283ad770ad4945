// The language runtimes model code can run on, found on this machine and proven inside the sandbox: a
// candidate counts only when it starts there (a rustup toolchain under /root, for instance, exists but
// is unreadable to the sandbox user when the worker runs as root). A runtime that is not found ends a
// scenario `skipped: runtime not installed` with the hint below; it never fails the run.
import { execFile } from 'node:child_process';
import { access, constants, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { executable, onPath, toolsDir } from '../suites/external/find-tool.js';
import type { SandboxExecutor } from './executors.js';
import type { Runtime, RuntimeName } from './types.js';
import { createWorkdir, writeFiles } from './workdir.js';

const run = promisify(execFile);

export const RUNTIME_INSTALL_HINTS: Record<RuntimeName, string> = {
  python: 'run deploy/setup/install-sandbox.sh (it builds .tools/sandbox-venv with numpy), or set NIGHTSHIFT_SANDBOX_PYTHON to a Python with numpy',
  node: 'set NIGHTSHIFT_SANDBOX_NODE to a Node.js the sandbox user can read',
  go: 'install Go (deploy/setup/install-sandbox.sh installs Debian\'s golang-go when no usable go is found), or set NIGHTSHIFT_SANDBOX_GO',
  rust: 'install rustc where the sandbox user can read it (deploy/setup/install-sandbox.sh installs Debian\'s rustc when needed), or set NIGHTSHIFT_SANDBOX_RUSTC',
  bash: 'install bash',
};

export type RuntimeLookup = { found: true; runtime: Runtime } | { found: false; reason: string };

interface Candidate {
  command: string;
  roots: string[];
  env: Record<string, string>;
}

const cache = new WeakMap<SandboxExecutor, Map<RuntimeName, Promise<RuntimeLookup>>>();

/** The runtime `name` as `executor` can run it (found once per executor and process). */
export function findRuntime(name: RuntimeName, executor: SandboxExecutor, env: NodeJS.ProcessEnv = process.env): Promise<RuntimeLookup> {
  let byName = cache.get(executor);
  if (!byName) cache.set(executor, (byName = new Map<RuntimeName, Promise<RuntimeLookup>>()));
  let found = byName.get(name);
  if (!found) byName.set(name, (found = lookup(name, executor, env)));
  return found;
}

const outsideUsr = (path: string): string[] => (path === '/usr' || path.startsWith('/usr/') ? [] : [path]);

async function exists(path: string): Promise<boolean> {
  return access(path, constants.R_OK).then(
    () => true,
    () => false,
  );
}

async function candidates(name: RuntimeName, env: NodeJS.ProcessEnv): Promise<Candidate[]> {
  const given = (variable: string, fallbacks: Array<string | undefined>) => [env[variable], ...fallbacks].filter((c): c is string => Boolean(c));
  const out: Candidate[] = [];
  switch (name) {
    case 'python':
      for (const python of given('NIGHTSHIFT_SANDBOX_PYTHON', [join(toolsDir(env), 'sandbox-venv', 'bin', 'python')])) {
        if (!(await executable(python))) continue;
        // A venv's python links to its base interpreter; both trees must be visible inside.
        const base = dirname(dirname(await realpath(python)));
        out.push({ command: python, roots: [...new Set([dirname(dirname(python)), ...outsideUsr(base)])], env: { PYTHONDONTWRITEBYTECODE: '1', PYTHONHASHSEED: '0', PYTHONUNBUFFERED: '1', OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' } });
      }
      break;
    case 'node':
      for (const node of given('NIGHTSHIFT_SANDBOX_NODE', [process.execPath])) {
        if (await executable(node)) out.push({ command: node, roots: outsideUsr(dirname(dirname(await realpath(node)))), env: {} });
      }
      break;
    case 'go':
      for (const go of given('NIGHTSHIFT_SANDBOX_GO', [await onPath('go', env), '/usr/local/go/bin/go', '/usr/lib/go/bin/go'])) {
        if (!(await executable(go))) continue;
        const real = await realpath(go);
        const goroot = dirname(dirname(real));
        // A build cache warmed by install-sandbox.sh; each execution copies it (GOCACHE must be writable).
        const seed = join(toolsDir(env), 'sandbox-go-cache');
        const hasSeed = await exists(seed);
        out.push({
          command: real,
          roots: [...outsideUsr(goroot), ...(hasSeed ? [seed] : [])],
          env: {
            GOROOT: goroot,
            GOCACHE: '{tmp}/go-build',
            GOPATH: '{tmp}/gopath',
            GOTOOLCHAIN: 'local',
            GOPROXY: 'off',
            GOFLAGS: '-mod=mod',
            GOTELEMETRY: 'off',
            CGO_ENABLED: '0',
            ...(hasSeed ? { NS_GO_CACHE_SEED: seed } : {}),
          },
        });
      }
      break;
    case 'rust':
      for (const rustc of given('NIGHTSHIFT_SANDBOX_RUSTC', [await onPath('rustc', env), '/usr/bin/rustc'])) {
        if (!(await executable(rustc))) continue;
        // rustup's `rustc` is a proxy that needs the user's home; the toolchain's own binary does not.
        const sysroot = await run(rustc, ['--print', 'sysroot'], { timeout: 30_000 }).then(
          (r) => r.stdout.trim(),
          () => undefined,
        );
        if (sysroot) out.push({ command: join(sysroot, 'bin', 'rustc'), roots: outsideUsr(sysroot), env: {} });
      }
      break;
    case 'bash':
      for (const bash of ['/bin/bash', '/usr/bin/bash']) if (await executable(bash)) out.push({ command: bash, roots: [], env: {} });
      break;
  }
  return out;
}

/** A program each runtime must run in the sandbox to count as there (rust also proves its linker). */
const PROBES: Record<RuntimeName, { files?: Record<string, string>; args: string[] }> = {
  python: { args: ['-c', 'import sys, numpy; print(sys.version.split()[0] + " (numpy " + numpy.__version__ + ")")'] },
  node: { args: ['-e', 'process.stdout.write(process.version)'] },
  go: { args: ['version'] },
  rust: { files: { 'probe.rs': 'fn main() { println!("ok"); }\n' }, args: ['--version'] },
  bash: { args: ['-c', 'echo "$BASH_VERSION"'] },
};

async function lookup(name: RuntimeName, executor: SandboxExecutor, env: NodeJS.ProcessEnv): Promise<RuntimeLookup> {
  const problems: string[] = [];
  for (const c of await candidates(name, env)) {
    const workdir = await createWorkdir('ns-runtime-probe-');
    try {
      const probe = PROBES[name];
      if (probe.files) await writeFiles(workdir.path, probe.files);
      const runtime: Runtime = { name, command: c.command, version: '', roots: c.roots, env: c.env };
      const limits = { wallSeconds: 60, cpuSeconds: 60, memoryMiB: 2048, processes: 256 };
      const result = await executor.run({ command: [c.command, ...probe.args], workdir: workdir.path, runtimes: [runtime], limits });
      if (result.verdict !== 'ok') {
        problems.push(`${c.command}: ${result.detail} ${result.stderr.trim().split('\n').slice(-2).join(' ')}`.trim());
        continue;
      }
      if (name === 'rust') {
        const compiled = await executor.run({ command: [c.command, '-o', 'probe', 'probe.rs'], workdir: workdir.path, runtimes: [runtime], limits });
        if (compiled.verdict !== 'ok') {
          problems.push(`${c.command} cannot link a program (${compiled.stderr.trim().split('\n').slice(-2).join(' ')})`);
          continue;
        }
      }
      return { found: true, runtime: { ...runtime, version: result.stdout.trim().split('\n')[0] ?? '' } };
    } finally {
      await workdir.remove();
    }
  }
  const tried = problems.length ? ` (tried: ${problems.join('; ')})` : '';
  return { found: false, reason: `runtime not installed: ${name}${tried}; ${RUNTIME_INSTALL_HINTS[name]}` };
}
