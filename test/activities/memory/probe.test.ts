// The sweep's memory probe against a real plain simulated server in its own process (found by the
// endpoint's port), an in-process llama-swap-mode simulator (whose /running names no real process), and
// an endpoint on another host.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { autoMemoryTarget, createMemoryProbe } from '../../../activities/memory/probe.js';
import { startSimServer } from '../../../client/sim-server/server.js';
import { projectRoot } from '../../support/tools.js';

const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
});

describe('createMemoryProbe', () => {
  it('reads a plain server through the process listening on the endpoint port', async () => {
    const child = spawn(
      process.execPath,
      ['client/bin/nightshift.mjs', 'sim-server', '--plain', '--port', '0', '--model', 'sim-qwen-9b-4bit'],
      { cwd: projectRoot, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    children.push(child);
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const { url } = JSON.parse(line.toString().split('\n')[0]!) as { url: string };
    const ref = { endpoint: `${url}/v1`, model: 'sim-qwen-9b-4bit' };
    expect(await autoMemoryTarget(ref)).toEqual({ port: Number(new URL(url).port) });
    const problems: string[] = [];
    const snapshot = await createMemoryProbe({ onProblem: (m) => problems.push(m) })('loaded', ref);
    expect(problems).toEqual([]);
    expect(snapshot?.phase).toBe('loaded');
    expect(snapshot!.rss_gb).toBeGreaterThan(0.02);
  });

  it('targets llama-swap models through /running, and reports a model with no real process', async () => {
    const sim = await startSimServer({ port: 0 });
    try {
      const ref = { endpoint: sim.url, model: 'sim-qwen-9b-4bit' };
      expect(await autoMemoryTarget(ref)).toEqual({ llamaSwap: { endpoint: sim.url, model: 'sim-qwen-9b-4bit' } });
      const problems: string[] = [];
      expect(await createMemoryProbe({ onProblem: (m) => problems.push(m) })('loaded', ref)).toBeUndefined();
      expect(problems.join('\n')).toMatch(/has no running process for model "sim-qwen-9b-4bit"/);
    } finally {
      await sim.close();
    }
  });

  it('follows a loaded llama-swap model\'s proxy to the process serving it', async () => {
    const child = spawn(process.execPath, ['client/bin/nightshift.mjs', 'sim-server', '--port', '0'], {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    children.push(child);
    const [line] = (await once(child.stdout, 'data')) as [Buffer];
    const { url } = JSON.parse(line.toString().split('\n')[0]!) as { url: string };
    // Loading happens on the first request, as with llama-swap.
    expect((await fetch(`${url}/upstream/sim-qwen-9b-4bit/health`)).status).toBe(200);
    const problems: string[] = [];
    const snapshot = await createMemoryProbe({ onProblem: (m) => problems.push(m) })('loaded', { endpoint: url, model: 'sim-qwen-9b-4bit' });
    expect(problems).toEqual([]);
    expect(snapshot!.rss_gb).toBeGreaterThan(0.02);
  });

  it('does not guess for an endpoint on another host', async () => {
    const problems: string[] = [];
    const probe = createMemoryProbe({ onProblem: (m) => problems.push(m) });
    expect(await probe('loaded', { endpoint: 'http://gpu-box.example:11434', model: 'm' })).toBeUndefined();
    expect(problems).toEqual(['endpoint gpu-box.example:11434 is not on this host; the model server\'s memory cannot be sampled here']);
  });
});
