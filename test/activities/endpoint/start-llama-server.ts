// Test support: runs the REAL llama.cpp llama-server (deploy/setup/install-llama-server.sh) with the small
// GGUF model (deploy/setup/install-gguf-model.sh) on a free loopback port, waits for /health, and stops it.
// Both install scripts run in CI before the tests (.ci/run), so these tests never skip there. The model is
// a 270M base model: its replies are nonsense and its speed varies a lot from run to run, so tests assert
// neither.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll } from 'vitest';
import { freePort } from '../llama-swap/render-config.js';
import { ensureTool, projectRoot } from '../../support/tools.js';

export interface RunningLlamaServer {
  url: string;
  /** The alias the server answers to (its /v1/models id). */
  model: string;
  pid: number;
  log(): string;
  stop(): Promise<void>;
}

export const LLAMA_MODEL_ALIAS = 'gemma3-270m';

/** llama-server with `-c context -np slots` (each slot gets context ÷ slots tokens). */
export async function startLlamaServer(options: { context: number; slots: number }): Promise<RunningLlamaServer> {
  const binary = ensureTool('llama-server');
  const gguf = ensureTool('gguf');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = '';
  const args = ['-m', gguf, '--host', '127.0.0.1', '--port', String(port), '-c', String(options.context), '-np', String(options.slots), '--alias', LLAMA_MODEL_ALIAS];
  const child: ChildProcess = spawn(binary, args, { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  // Ready when /health answers 200 (503 while the model loads); bounded by the caller's hook timeout.
  for (;;) {
    if (child.exitCode !== null) throw new Error(`llama-server exited early:\n${output}`);
    if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, model: LLAMA_MODEL_ALIAS, pid: child.pid!, log: () => output, stop };
}

/** One llama-server for the test file: started before its tests, stopped after them. Read `server()`
 * inside a test (it is there once beforeAll has run). */
export function useLlamaServer(options: { context: number; slots: number }): () => RunningLlamaServer {
  let running: RunningLlamaServer | undefined;
  beforeAll(async () => {
    running = await startLlamaServer(options);
  }, 180_000);
  afterAll(async () => {
    await running?.stop();
  });
  return () => {
    if (!running) throw new Error('llama-server is not running (did its start fail?)');
    return running;
  };
}
