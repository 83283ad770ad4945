// `nightshift run` records Nightshift's own commit as git_sha, never the directory it is run in: a copy of
// Nightshift inside someone else's repository (node_modules, a vendored folder) is not that repository's
// HEAD, and an install without git metadata of its own runs and records the placeholder 0000000 (with a
// note on stderr) instead of failing and asking for --git-sha.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../client/cli.js';
import type { SimServer } from '../../client/sim-server/server.js';
import { checkoutSha } from '../../activities/system/git-sha.js';
import { PROJECT_ROOT } from '../../activities/project-root.js';
import type { Envelope } from '../../workflows/shared/envelope.js';
import { model, sim } from '../sim-server/helpers.js';
import { quiet } from '../support/perf-suites.js';

// This file's runs stand for an install without git metadata of its own.
vi.mock('../../activities/system/git-sha.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../activities/system/git-sha.js')>()),
  nightshiftSha: () => Promise.resolve(undefined),
}));

const git = (cwd: string, ...args: string[]) => promisify(execFile)('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...args], { cwd });
let dir: string;
let plain: SimServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-run-sha-'));
  plain = await sim({ seed: 1, models: [model('sim-plain', { ttft_ms: 1, decode_tokens_per_second: 5000, prefill_tokens_per_second: 100000, jitter: 0 })] }, { plain: true });
});

afterAll(async () => {
  await plain.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  process.exitCode = undefined;
});

describe("git_sha is Nightshift's own", () => {
  it("is not the HEAD of a repository Nightshift is merely inside", async () => {
    const user = join(dir, 'user-project');
    const installed = join(user, 'node_modules', 'nightshift');
    await mkdir(installed, { recursive: true });
    await git(user, 'init', '-q');
    await writeFile(join(installed, 'package.json'), '{}\n');
    await git(user, 'add', '.');
    await git(user, 'commit', '-q', '-m', 'user code');
    const userHead = (await git(user, 'rev-parse', 'HEAD')).stdout.trim();
    expect(await checkoutSha(installed)).toBeUndefined();
    expect(await checkoutSha(user)).toBe(userHead);
    expect(await checkoutSha(join(dir, 'nowhere'))).toBeUndefined();
  });

  it("this checkout's HEAD when Nightshift runs from its own checkout", async () => {
    const head = await git(PROJECT_ROOT, 'rev-parse', 'HEAD').then((r) => r.stdout.trim(), () => undefined);
    expect(await checkoutSha(PROJECT_ROOT)).toBe(head);
  });

  it("records this checkout's HEAD when run from a directory outside any git checkout", async () => {
    // A child process: the mock above does not reach it, so this is the real lookup.
    const head = (await git(PROJECT_ROOT, 'rev-parse', 'HEAD')).stdout.trim();
    const cwd = await mkdtemp(join(tmpdir(), 'ns-run-nogit-'));
    try {
      const out = join(cwd, 'e.json');
      const child = await promisify(execFile)(process.execPath, [join(PROJECT_ROOT, 'client/bin/nightshift.mjs'), 'run', 'ttft', '--endpoint', plain.url, '--model', 'sim-plain', '--prompt-tokens', '32', '--repeats', '1', '--out', out, '--no-progress', '--no-memory'], { cwd, env: { ...process.env, GIT_CEILING_DIRECTORIES: tmpdir() } });
      expect(child.stderr).not.toContain('git');
      expect((JSON.parse(await readFile(out, 'utf8')) as Envelope).git_sha).toBe(head);
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it('runs without git metadata: git_sha 0000000 and a note, not an error asking for --git-sha', async () => {
    const out = join(dir, 'nosha.json');
    const r = await quiet(() => main(['run', 'ttft', '--endpoint', plain.url, '--model', 'sim-plain', '--prompt-tokens', '32', '--repeats', '1', '--out', out, '--no-progress', '--no-memory']));
    expect(r.value).toBe(0);
    expect(r.stderr).toContain('nightshift run: this Nightshift install has no git metadata of its own; git_sha recorded as 0000000');
    const envelope = JSON.parse(await readFile(out, 'utf8')) as Envelope;
    expect(envelope.git_sha).toBe('0000000');

    const given = await quiet(() => main(['run', 'ttft', '--endpoint', plain.url, '--model', 'sim-plain', '--prompt-tokens', '32', '--repeats', '1', '--git-sha', 'ABCDEF1', '--out', out, '--no-progress', '--no-memory']));
    expect(given.value).toBe(0);
    expect(given.stderr).not.toContain('no git metadata');
    expect((JSON.parse(await readFile(out, 'utf8')) as Envelope).git_sha).toBe('abcdef1');
  });
});
