// Shared helpers for the simulator tests: an in-process server from an inline config, a spawned CLI
// server (for the listening line, plain mode and crashes), and an SSE reader built on eventsource-parser.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createParser } from 'eventsource-parser';
import { startSimServer, type SimServer, type SimServerOptions } from '../../client/sim-server/server.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../client/bin/nightshift.mjs', import.meta.url));

/** A fast model: no delays unless the test sets them. */
export function model(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, reply_tokens: 8, ...extra };
}

export async function sim(config: Record<string, unknown>, options: Omit<SimServerOptions, 'config'> = {}): Promise<SimServer> {
  return startSimServer({ config, ...options });
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

export interface SseResult {
  status: number;
  headers: Headers;
  events: unknown[];
  done: boolean;
  raw: string;
}

/** POSTs a streamed request and collects every SSE data event (parsed JSON) until [DONE] or EOF. */
export async function stream(url: string, body: Record<string, unknown>): Promise<SseResult> {
  const res = await postJson(url, { ...body, stream: true });
  const events: unknown[] = [];
  let done = false;
  let raw = '';
  const parser = createParser({
    onEvent(e) {
      if (e.data === '[DONE]') done = true;
      else events.push(JSON.parse(e.data));
    },
  });
  const decoder = new TextDecoder();
  if (res.body) {
    for await (const chunk of res.body) {
      const text = decoder.decode(chunk, { stream: true });
      raw += text;
      parser.feed(text);
    }
  }
  return { status: res.status, headers: res.headers, events, done, raw };
}

export interface Chunk {
  id: string;
  object: string;
  model: string;
  choices: Array<{
    index: number;
    delta: { role?: string; content?: string | null; reasoning_content?: string; reasoning?: string; tool_calls?: Array<{ index: number; id?: string; function: { name?: string; arguments: string } }> };
    finish_reason: string | null;
  }>;
  usage?: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  timings?: Record<string, number | null>;
}

export interface SpawnedSim {
  url: string;
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `nightshift sim-server ARGS` as its own process and waits for the listening line. */
export async function spawnSim(args: string[]): Promise<SpawnedSim> {
  const proc = spawn(process.execPath, [CLI, 'sim-server', '--port', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl !== -1) {
        try {
          resolve((JSON.parse(out.slice(0, nl)) as { url: string }).url);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      }
    });
    void exit.then(({ code }) => reject(new Error(`sim-server exited (${code}) before listening: ${err}`)));
  });
  return { url, proc, stdout: () => out, stderr: () => err, exit };
}
