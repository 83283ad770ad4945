// The simulator as its own process (`nightshift sim-server`): the listening line, plain mode (as a
// llama-swap upstream would run it), graceful SIGTERM, real crashes (process exit) and config errors.
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CRASH_EXIT_CODE } from '../../client/sim-server/server.js';
import { CLI, ROOT, postJson, spawnSim, type SpawnedSim } from './helpers.js';

let child: SpawnedSim | undefined;
afterEach(async () => {
  if (child && child.proc.exitCode === null && child.proc.signalCode === null) {
    child.proc.kill('SIGKILL');
    await child.exit;
  }
  child = undefined;
});

async function configFile(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sim-proc-'));
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const ask = (m: string, extra: Record<string, unknown> = {}) => ({ model: m, messages: [{ role: 'user', content: 'hi' }], ...extra });

describe('nightshift sim-server as a process', () => {
  it('prints one listening line, serves plain mode like llama-server, and exits 0 on SIGTERM', async () => {
    const config = await configFile(
      'plain.toml',
      '[[models]]\nid = "sim-one"\nload_ms = 400\nreply_tokens = 4\n\n[[models]]\nid = "sim-two"\nreply_tokens = 4\n',
    );
    child = await spawnSim(['--plain', '--config', config, '--model', 'sim-two', '--seed', '9']);
    const lines = child.stdout().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toEqual({ event: 'listening', url: child.url });
    expect(child.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // --model picked sim-two (no load time): ready almost at once; poll /health like llama-swap does.
    let health = await fetch(`${child.url}/health`);
    for (let i = 0; i < 100 && health.status !== 200; i++) {
      expect(health.status).toBe(503);
      await new Promise((r) => setTimeout(r, 20));
      health = await fetch(`${child.url}/health`);
    }
    expect(await health.json()).toEqual({ status: 'ok' });
    const models = (await (await fetch(`${child.url}/v1/models`)).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((m) => m.id)).toEqual(['sim-two']);
    // Plain servers have no llama-swap routes, and answer whatever model name is asked for.
    expect((await fetch(`${child.url}/running`)).status).toBe(404);
    const res = await postJson(`${child.url}/v1/chat/completions`, ask('anything'));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { model: string }).model).toBe('sim-two');
    child.proc.kill('SIGTERM');
    expect(await child.exit).toEqual({ code: 0, signal: null });
    expect(child.stdout().trim().split('\n')).toHaveLength(1);
  });

  it('answers 503 while the plain model loads', async () => {
    const config = await configFile('slow.json', JSON.stringify({ models: [{ id: 'sim-slow-load', load_ms: 60000 }] }));
    child = await spawnSim(['--plain', '--config', config]);
    expect((await fetch(`${child.url}/health`)).status).toBe(503);
    const res = await postJson(`${child.url}/v1/chat/completions`, ask('sim-slow-load'));
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('Loading model');
  });

  it('crashes the process mid-stream on the configured request', async () => {
    const config = await configFile(
      'crash.toml',
      '[[models]]\nid = "sim-crashy"\nreply_tokens = 50\ndecode_tokens_per_second = 500\n[models.faults]\ncrash_on_request = 2\ncrash_after_tokens = 3\n',
    );
    child = await spawnSim(['--config', config]);
    expect((await postJson(`${child.url}/v1/chat/completions`, ask('sim-crashy'))).status).toBe(200);
    const res = await postJson(`${child.url}/v1/chat/completions`, ask('sim-crashy', { stream: true }));
    let text = '';
    await expect(
      (async () => {
        const decoder = new TextDecoder();
        for await (const chunk of res.body as ReadableStream<Uint8Array>) text += decoder.decode(chunk);
      })(),
    ).rejects.toThrow();
    expect((text.match(/"content"/g) ?? []).length).toBe(3);
    expect(await child.exit).toEqual({ code: CRASH_EXIT_CODE, signal: null });
    expect(child.stderr()).toContain('simulated crash');
  });

  it('crashes after N finished requests', async () => {
    const config = await configFile('after.toml', '[[models]]\nid = "sim-mortal"\nreply_tokens = 2\n[models.faults]\ncrash_after_requests = 2\n');
    child = await spawnSim(['--config', config]);
    expect((await postJson(`${child.url}/v1/chat/completions`, ask('sim-mortal'))).status).toBe(200);
    expect((await postJson(`${child.url}/v1/chat/completions`, ask('sim-mortal'))).status).toBe(200);
    expect((await child.exit).code).toBe(CRASH_EXIT_CODE);
  });

  it('exits 2 naming the file and key for a bad config, and for an unknown --model', async () => {
    const config = await configFile('bad.toml', '[[models]]\nid = "sim-x"\ndecode_tokens_per_second = "fast"\n');
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const p = spawn(process.execPath, [CLI, 'sim-server', ...args], { cwd: ROOT });
        let stdout = '';
        let stderr = '';
        p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        p.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
    const [bad, unknown, port] = await Promise.all([run(['--config', config]), run(['--model', 'sim-nope']), run(['--port', 'eighty'])]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain(`${config}: 1 problem in config`);
    expect(bad.stderr).toMatch(/:\d+: models\.0\.decode_tokens_per_second: must be number/);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--model sim-nope: not in');
    expect(port.code).toBe(2);
    expect(port.stderr).toContain('--port expects an integer from 0 to 65535');

    // A port already taken and a host that does not resolve: exit 2 naming the flag, no stack.
    child = await spawnSim([]);
    const taken = new URL(child.url).port;
    const [busy, host] = await Promise.all([run(['--port', taken]), run(['--host', 'not..a..host'])]);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain(`--port: ${taken} is already in use on 127.0.0.1; choose another port, or 0 for a free one`);
    expect(host.code).toBe(2);
    expect(host.stderr).toContain('--host: cannot resolve "not..a..host"');
    expect(busy.stderr + host.stderr).not.toMatch(/\n\s+at /);

    // A model id without the sim- prefix names the key, the rule and the value.
    const unprefixed = await run(['--config', await configFile('ids.json', '{"models":[{"id":"qwen"}]}')]);
    expect(unprefixed.code).toBe(2);
    expect(unprefixed.stderr).toContain('models.0.id: must match');
    expect(unprefixed.stderr).toContain('(got "qwen")');
  });
});
