// Child processes for the fault tests: workers and the simulated endpoint run as real processes started
// through the CLI, so a test can SIGKILL them like a crash would.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { projectRoot } from '../support/tools.js';

export interface Child {
  process: ChildProcess;
  ready: Record<string, unknown>;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs `nightshift <args>` and resolves once it prints its JSON ready/listening line. */
export async function startCli(args: string[], env: Record<string, string>): Promise<Child> {
  const child = spawn(process.execPath, [`${projectRoot}client/bin/nightshift.mjs`, ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr.on('data', (c: Buffer) => {
    if (output.length < 200_000) output += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (line.startsWith('{')) {
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          if (parsed.event === 'ready' || parsed.event === 'listening') resolve(parsed);
        } catch {
          // not our line
        }
      }
    });
    void exited.then((code) => reject(new Error(`nightshift ${args.join(' ')} exited ${code} before it was ready:\n${output.slice(-3000)}`)));
  });
  return { process: child, ready, output: () => output, exited };
}

export async function stopChild(child: Child, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill(signal);
  await child.exited;
}
