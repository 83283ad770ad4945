// What llama-swap does with configs/llama-swap/sim-upstream.yaml, done here step by step without it (the
// real llama-swap runs the same file in real-llama-swap.test.ts): split each rendered `cmd` as llama-swap
// does, exec it, wait for its checkEndpoint, then find the process for memory sampling the way a
// llama-swap target does — from the `cmd` string /running would report, and from the `proxy` port.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, describe, expect, it } from 'vitest';
import { memorySnapshot } from '../../../activities/memory/index.js';
import { splitCommand } from '../../../activities/memory/parse.js';
import { MemoryTargetNotFoundError } from '../../../activities/memory/target.js';
import { projectRoot } from '../../support/tools.js';
import { renderSimUpstreamConfig } from './render-config.js';

const started: ChildProcess[] = [];
afterAll(async () => {
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
});

describe('configs/llama-swap/sim-upstream.yaml upstream commands', () => {
  it('start a simulated server that passes the readiness check and is found from its cmd and port', async () => {
    const config = await renderSimUpstreamConfig();
    const [id, model] = Object.entries(config.models)[0]!;
    const words = splitCommand(model.cmd);
    const child = spawn(words[0]!, words.slice(1), { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(child);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));

    // llama-swap's loop: poll checkEndpoint until 200 (503 while the simulated model "loads").
    const statuses = new Set<number>();
    for (;;) {
      if (child.exitCode !== null) throw new Error(`upstream exited: ${stderr}`);
      const status = await fetch(`${model.proxy}${model.checkEndpoint}`).then((r) => r.status, () => 0);
      statuses.add(status);
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // Before ready: connection refused (0) or 503 'Loading model', as llama-server answers; nothing else.
    expect([...statuses].filter((s) => s !== 0 && s !== 503 && s !== 200)).toEqual([]);
    const models = (await (await fetch(`${model.proxy}/v1/models`)).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((m) => m.id)).toEqual([id]);

    const byCmd = await memorySnapshot('loaded', { command: model.cmd });
    expect(byCmd.rss_gb).toBeGreaterThan(0.02); // node + tsx: tens of MiB
    const byPort = await memorySnapshot('loaded', { port: Number(new URL(model.proxy).port) });
    expect(byPort.rss_gb).toBeCloseTo(byCmd.rss_gb, 1);

    // llama-swap stops an upstream with SIGTERM; afterwards the target is gone.
    child.kill('SIGTERM');
    await once(child, 'exit');
    await expect(memorySnapshot('after', { command: model.cmd })).rejects.toBeInstanceOf(MemoryTargetNotFoundError);
  });
});
