// Shared bits for converter tests: a run context, fixture paths, temp directories.
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import type { RunContext } from '../../../../activities/converters/types.js';

export const fixtures = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
export const fixture = (...parts: string[]) => join(fixtures, ...parts);

export function context(overrides: Partial<RunContext> = {}): RunContext {
  return {
    suite: 'reasoning',
    gitSha: 'abcdef1',
    trigger: 'local',
    system: { os: 'Debian GNU/Linux 12', chip: 'test chip', memory_gb: 24 },
    ...overrides,
  };
}

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A fresh temp directory, removed after the test. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ns-conv-'));
  dirs.push(dir);
  return dir;
}

/** Writes files (path relative to dir → text or JSON value) and returns the dir. */
export async function writeFiles(dir: string, files: Record<string, string | object>): Promise<string> {
  for (const [name, content] of Object.entries(files)) {
    const path = join(dir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return dir;
}
