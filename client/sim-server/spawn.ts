// Starts the simulated endpoint as its own process, as a real model server would be: its CPU time does
// not disturb the caller's measurements, and memory sampling finds it like any other server process.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { projectPath } from '../../activities/project-root.js';

const bin = projectPath('client', 'bin', 'nightshift.mjs');

export interface SimProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function spawnSimServer(args: string[], options: { startTimeoutMs?: number } = {}): Promise<SimProcess> {
  const child = spawn(process.execPath, [bin, 'sim-server', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr.push(chunk);
    if (stderr.length > 50) stderr.shift();
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`sim-server did not start within ${options.startTimeoutMs ?? 30_000} ms`)), options.startTimeoutMs ?? 30_000);
    const lines = createInterface({ input: child.stdout });
    const fail = (error: Error) => {
      clearTimeout(timer);
      lines.close();
      child.kill('SIGKILL');
      reject(error);
    };
    lines.once('line', (line) => {
      clearTimeout(timer);
      lines.close();
      try {
        resolve((JSON.parse(line) as { url: string }).url);
      } catch {
        fail(new Error(`sim-server printed ${JSON.stringify(line)} instead of its listening line`));
      }
    });
    child.once('exit', (code, signal) => fail(new Error(`sim-server exited (${signal ?? code}) before listening: ${stderr.join('').trim().slice(-500)}`)));
  });
  // A child that printed its listening line is running, so it has a pid.
  const { pid } = child;
  if (pid === undefined) throw new Error('sim-server is listening but has no pid');
  return { url, pid, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
