// Test support: runs the REAL llama-swap (deploy/setup/install-llama-swap.sh, v250) on a free port with a
// config written to a temporary folder, waits for its /health, and stops it with the upstream processes
// it started (its own process group).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ensureTool, projectRoot } from '../../support/tools.js';
import { freePort } from './render-config.js';

export interface RunningLlamaSwap {
  url: string;
  dir: string;
  /** Everything llama-swap and its upstreams printed so far. */
  log(): string;
  stop(): Promise<void>;
}

/** The installed llama-swap binary; throws with the install script's message when it cannot be installed. */
export function llamaSwapBinary(): string {
  return ensureTool('llama-swap');
}

export async function startLlamaSwap(config: Record<string, unknown>, name = 'ns-llama-swap-'): Promise<RunningLlamaSwap> {
  const dir = await mkdtemp(join(tmpdir(), name));
  const file = join(dir, 'config.yaml');
  await writeFile(file, stringify(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  // Its own process group, so the upstreams it started go down with it at the end.
  const child: ChildProcess = spawn(llamaSwapBinary(), ['--config', file, '--listen', `127.0.0.1:${port}`], {
    cwd: projectRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      process.kill(-child.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      }, 15_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  // Ready when its own /health answers (bounded by the caller's hook timeout).
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`llama-swap exited early:\n${output}`);
    }
    if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, dir, log: () => output, stop };
}
