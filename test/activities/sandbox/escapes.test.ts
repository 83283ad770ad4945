// Escape attempts against the code sandbox, each checked by what it would have changed or revealed on
// the host (a connection that arrived, a file that appeared, a secret in the output, a process still
// running), not only by the verdict. These run on every Linux machine (CI runs them as root, which the
// sandbox drops to nobody); a Linux without a working sandbox fails here rather than skipping.
import { createServer, type Server } from 'node:net';
import { mkdtemp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSandbox } from '../../../activities/sandbox/detect.js';
import type { SandboxExecutor } from '../../../activities/sandbox/executors.js';
import { findRuntime } from '../../../activities/sandbox/runtimes.js';
import type { Runtime, SandboxLimits, SandboxResult } from '../../../activities/sandbox/types.js';
import { createWorkdir, writeFiles, type Workdir } from '../../../activities/sandbox/workdir.js';
import { ensureTool } from '../../support/tools.js';

const linux = process.platform === 'linux';
let executor: SandboxExecutor;
let python: Runtime;
let node: Runtime;
let listener: Server;
let port = 0;
let connections = 0;
let hostScratch: string;
const canary = `canary-${process.pid}-${Date.now()}`;
const workdirs: Workdir[] = [];

beforeAll(async () => {
  ensureTool('sandbox');
  const sandbox = await findSandbox();
  if (!sandbox.found) throw new Error(sandbox.reason);
  executor = sandbox.executor;
  const [py, js] = await Promise.all([findRuntime('python', executor), findRuntime('node', executor)]);
  if (!py.found) throw new Error(py.reason);
  if (!js.found) throw new Error(js.reason);
  python = py.runtime;
  node = js.runtime;
  listener = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as { port: number }).port;
  hostScratch = await mkdtemp(join(tmpdir(), 'ns-escape-host-'));
  // A fake home with a key in it, and a secret in the worker's environment: the sandbox must see neither.
  await mkdir(join(hostScratch, 'home', '.ssh'), { recursive: true });
  await writeFile(join(hostScratch, 'home', '.ssh', 'id_ed25519'), `PRIVATE ${canary}\n`);
  process.env.NS_SANDBOX_CANARY = canary;
  process.env.HOME = join(hostScratch, 'home');
});

afterAll(async () => {
  delete process.env.NS_SANDBOX_CANARY;
  await new Promise((resolve) => listener.close(resolve));
  for (const w of workdirs) await w.remove();
  if (hostScratch) await rm(hostScratch, { recursive: true, force: true });
});

async function runPython(source: string, limits: Partial<SandboxLimits> = {}): Promise<{ result: SandboxResult; workdir: string }> {
  const workdir = await createWorkdir('ns-escape-');
  workdirs.push(workdir);
  await writeFiles(workdir.path, { 'attempt.py': source });
  const result = await executor.run({ command: [python.command, 'attempt.py'], workdir: workdir.path, runtimes: [python], limits: { wallSeconds: 8, cpuSeconds: 8, ...limits } });
  return { result, workdir: workdir.path };
}

describe.runIf(linux || process.platform === 'darwin')('sandbox escapes', { timeout: 60_000 }, () => {
  it('a socket to 127.0.0.1 (a listener of the host) is stopped: sandbox_violation, nothing connected', async () => {
    const { result } = await runPython(`import socket\ns = socket.create_connection(("127.0.0.1", ${port}), timeout=3)\ns.sendall(b"escaped")\nprint("CONNECTED")\n`);
    expect(result.verdict).toBe('sandbox_violation');
    expect(result.stdout).not.toContain('CONNECTED');
    expect(connections).toBe(0);
  });

  it('a socket from Node to the host listener is stopped the same way', async () => {
    const workdir = await createWorkdir('ns-escape-');
    workdirs.push(workdir);
    await writeFiles(workdir.path, { 'attempt.js': `require("net").connect(${port}, "127.0.0.1", () => { console.log("CONNECTED"); process.exit(0); });\n` });
    const result = await executor.run({ command: [node.command, 'attempt.js'], workdir: workdir.path, runtimes: [node], limits: { wallSeconds: 8 } });
    expect(result.verdict).toBe('sandbox_violation');
    expect(result.stdout).not.toContain('CONNECTED');
    expect(connections).toBe(0);
  });

  it('a socket to a remote address is stopped: sandbox_violation', async () => {
    const { result } = await runPython('import socket\ns = socket.create_connection(("1.1.1.1", 443), timeout=3)\nprint("CONNECTED")\n');
    expect(result.verdict).toBe('sandbox_violation');
    expect(result.stdout).not.toContain('CONNECTED');
  });

  it('~/.ssh and the real home are not there: error, no key in the output', async () => {
    const key = join(hostScratch, 'home', '.ssh', 'id_ed25519');
    const { result } = await runPython(
      `import os\nprint("HOME", os.environ.get("HOME"))\nfor p in ["/root/.ssh/id_ed25519", "/root/.ssh", ${JSON.stringify(key)}]:\n    print(p, os.path.exists(p))\nprint(open(os.path.expanduser("~/.ssh/id_ed25519")).read())\nprint(open(${JSON.stringify(key)}).read())\n`,
    );
    expect(result.verdict).toBe('error');
    expect(result.stderr).toMatch(/FileNotFoundError/);
    expect(result.stdout).not.toContain(canary);
    // None of the paths exists inside, and HOME is the work directory, not the worker's.
    expect(result.stdout).not.toMatch(/ True$/m);
    expect(result.stdout).not.toContain(`HOME ${join(hostScratch, 'home')}`);
  });

  it('/etc/shadow cannot be read: error, no password hashes', async () => {
    const { result } = await runPython('print(open("/etc/shadow").read())\n');
    expect(result.verdict).toBe('error');
    expect(result.stdout).not.toMatch(/root:/);
  });

  it("the worker's environment is not inherited, nor readable through /proc: error, no canary", async () => {
    const { result } = await runPython(
      'import os, glob\nprint(sorted(os.environ))\nfor p in glob.glob("/proc/*/environ"):\n    try:\n        print(p, open(p, "rb").read())\n    except OSError as e:\n        print(p, e)\nprint(os.environ["NS_SANDBOX_CANARY"])\n',
    );
    expect(result.verdict).toBe('error');
    expect(result.stderr).toMatch(/KeyError/);
    expect(result.stdout + result.stderr).not.toContain(canary);
    if (linux) expect(result.stdout).toContain("['HOME', 'LANG', 'OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'PATH', 'PWD', 'PYTHONDONTWRITEBYTECODE', 'PYTHONHASHSEED', 'PYTHONUNBUFFERED', 'TMPDIR']");
  });

  it('writing outside the work directory fails and leaves the host untouched: error', async () => {
    const target = join(hostScratch, 'escaped.txt');
    const { result } = await runPython(`open(${JSON.stringify(target)}, "w").write("escaped")\n`);
    expect(result.verdict).toBe('error');
    await expect(stat(target)).rejects.toThrow(/ENOENT/);
    const system = await runPython('open("/usr/escaped.txt", "w").write("escaped")\n');
    expect(system.result.verdict).toBe('error');
    expect(system.result.stderr).toMatch(/Read-only file system|Permission denied/);
    await expect(stat('/usr/escaped.txt')).rejects.toThrow(/ENOENT/);
  });

  it('a fork bomb stops at the process limit and takes nothing with it: error', async () => {
    const { result, workdir } = await runPython(
      // Every process forks on; one that is refused a fork holds its slot (pause) while the first one gives up.
      'import os, signal\nroot = os.getpid()\nwhile True:\n    try:\n        pid = os.fork()\n    except BlockingIOError:\n        if os.getpid() == root:\n            raise\n        signal.pause()\n    if pid == 0:\n        with open("forks", "a") as f:\n            f.write("x")\n',
      { processes: 32, wallSeconds: 15 },
    );
    expect(result.verdict).toBe('error');
    const forks = (await readFile(join(workdir, 'forks'), 'utf8').catch(() => '')).length;
    expect(forks).toBeGreaterThan(0);
    expect(forks).toBeLessThan(32);
  });

  it('a memory bomb hits the memory limit: error (MemoryError), private and shared memory alike', async () => {
    const { result } = await runPython('x = []\nwhile True:\n    x.append(bytearray(64 << 20))\n', { memoryMiB: 256 });
    expect(result.verdict).toBe('error');
    expect(result.stderr).toMatch(/MemoryError/);
    const shared = await runPython('import mmap\nm = mmap.mmap(-1, 4 << 30)\nm[-1] = 1\nprint("MAPPED")\n', { memoryMiB: 256 });
    expect(shared.result.verdict).toBe('error');
    expect(shared.result.stdout).not.toContain('MAPPED');
  });

  it('an infinite loop is stopped at the CPU or wall-clock limit: timeout', async () => {
    const { result } = await runPython('while True:\n    pass\n', { wallSeconds: 3, cpuSeconds: 2 });
    expect(result.verdict).toBe('timeout');
    expect(result.durationMs).toBeLessThan(6000);
  });

  it('sleeping past the deadline is killed at the wall-clock limit: timeout', async () => {
    const { result } = await runPython('import time\ntime.sleep(60)\nprint("WOKE")\n', { wallSeconds: 2 });
    expect(result.verdict).toBe('timeout');
    expect(result.detail).toMatch(/2 s wall-clock limit/);
    expect(result.stdout).not.toContain('WOKE');
    expect(result.durationMs).toBeLessThan(5000);
  });

  it('killing the parent reaches nothing outside: the worker lives, the attempt ends in error', async () => {
    const { result } = await runPython(
      `import os, signal\nfor pid in (os.getppid(), 1, ${process.pid}, ${process.ppid}):\n    try:\n        os.kill(pid, signal.SIGKILL)\n        print("sent", pid)\n    except OSError as e:\n        print("refused", pid, e)\ntry:\n    os.kill(-1, signal.SIGKILL)\nexcept OSError as e:\n    print("nothing else to kill", e)\nraise SystemExit("still here")\n`,
    );
    expect(result.verdict).toBe('error');
    expect(result.stderr).toContain('still here');
    // This test process is the worker that started the sandbox: still running.
    expect(process.kill(process.pid, 0)).toBe(true);
  });

  it('a background process left behind does not survive the execution', async () => {
    const { result, workdir } = await runPython(
      'import subprocess\nsubprocess.Popen(["/bin/sh", "-c", "while true; do echo x >> beat; sleep 0.05; done"], start_new_session=True)\nimport time\ntime.sleep(0.5)\nprint("LEFT")\n',
    );
    expect(result.verdict).toBe('ok');
    expect(result.stdout).toContain('LEFT');
    const size = async () => (await stat(join(workdir, 'beat'))).size;
    const before = await size();
    expect(before).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 600));
    expect(await size()).toBe(before);
  });

  it.runIf(linux)('root does not carry into the sandbox: no capabilities, and the kernel sees an unprivileged user', async () => {
    const { result, workdir } = await runPython('print(open("/proc/self/status").read())\nopen("owned", "w").write("x")\n');
    expect(result.verdict).toBe('ok');
    expect(result.stdout).toMatch(/CapEff:\s+0000000000000000/);
    expect(result.stdout).toMatch(/CapPrm:\s+0000000000000000/);
    // The owner of a file it wrote is its user as the host kernel sees it: nobody when the worker is root.
    expect((await stat(join(workdir, 'owned'))).uid).toBe(process.geteuid?.() === 0 ? 65534 : process.geteuid?.());
  });

  it('a file past the size limit is stopped: sandbox_violation', async () => {
    const { result } = await runPython('with open("big", "wb") as f:\n    f.write(b"x" * (8 << 20))\nprint("WROTE")\n', { fileSizeMiB: 4 });
    expect(result.verdict).toBe('sandbox_violation');
    expect(result.stdout).not.toContain('WROTE');
  });
});
