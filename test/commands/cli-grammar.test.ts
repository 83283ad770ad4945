// One CLI grammar (issue 13): every command's help has Examples and marks its required options, an
// argument error is one short line and a hint (not the whole help), `--version` answers, old flag
// spellings still work with a deprecation line and the new flag's checks, and expected conditions (busy
// port, no Temporal server) are one clear line with no stack.
import { createServer, type Server } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildProgram, exitCodeFor, main } from '../../client/cli.js';
import { projectRoot } from '../support/tools.js';

function leaves(command: Command, path: string[] = []): Array<{ path: string; command: Command }> {
  return command.commands.flatMap((c) => (c.commands.length > 0 ? leaves(c, [...path, c.name()]) : [{ path: [...path, c.name()].join(' '), command: c }]));
}

function fullHelp(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  command.outputHelp();
  return text;
}

describe('help', () => {
  const all = leaves(buildProgram());

  it('covers every command', () => {
    expect(all.map((l) => l.path)).toEqual(expect.arrayContaining(['sweep start', 'sweep list', 'worker', 'quality run', 'schedule create', 'viewer', 'dev']));
    expect(all.length).toBeGreaterThanOrEqual(21);
  });

  it.each(all.map((l) => [l.path, l.command] as const))('%s has Examples that use it, and marks each required option', (path, command) => {
    const help = fullHelp(command);
    expect(help).toContain('\nExamples:\n');
    expect(help).toContain(`  nightshift ${path}`);
    for (const option of command.options.filter((o) => o.mandatory)) {
      expect(help).toMatch(new RegExp(`${option.long ?? ''} <[^>]+>\\s+\\(required\\) `));
    }
  });

  it('commands that talk to Temporal name the environment variables behind --address and --namespace', () => {
    for (const path of ['sweep start', 'sweep list', 'worker', 'schedule create']) {
      const help = fullHelp(all.find((l) => l.path === path)!.command);
      expect(help).toContain('(env: TEMPORAL_ADDRESS)');
      expect(help).toContain('(env: TEMPORAL_NAMESPACE)');
    }
  });
});

describe('main', () => {
  let out = '';
  let err = '';
  let dir: string;
  let busy: Server;
  let busyPort: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ns-grammar-'));
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => busy.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    out = '';
    err = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')) as { version: string };
    expect(await main(['--version'])).toBe(0);
    expect(out).toBe(`${pkg.version}\n`);
  });

  it('a missing required option is one line and a hint, not the whole help', async () => {
    expect(await main(['sweep', 'start'])).toBe(2);
    expect(err).toBe("error: required option '--config <file>' not specified\n(add --help for usage)\n");
    expect(await main(['results', '--no-such-flag'])).toBe(2);
    expect(err).not.toContain('Options:');
  });

  it('an old spelling works for one release, says what to write instead, and keeps the new flag\'s checks', async () => {
    const envelope = join(projectRoot, 'test/fixtures/envelopes/minimal.valid.json');
    expect(await main(['validate', envelope, '--json'])).toBe(0);
    expect(err).toContain('nightshift validate: --json is deprecated; use --format json');
    expect(JSON.parse(out)).toEqual(expect.anything());
    err = '';
    expect(await main(['quality', 'rescore', join(dir, 'none.json'), '--output', join(dir, 'x.json')])).toBe(2);
    expect(err).toContain('nightshift quality rescore: --output is deprecated; use --out');
    expect(err).not.toContain('give exactly one of');
  });

  it('dev and viewer refuse a busy port naming the flag, before starting anything', async () => {
    expect(await main(['dev', '--port', String(busyPort)])).toBe(2);
    expect(err).toContain(`--port: ${busyPort} is already in use on 127.0.0.1`);
    err = '';
    expect(await main(['dev', '--port', '1', '--ui-port', String(busyPort)])).toBe(2);
    // Port 1 needs root: the first check fails first unless this runs as root, where --ui-port is next.
    expect(err).toMatch(/--port: this user may not listen on port 1|--ui-port: \d+ is already in use/);
    err = '';
    expect(await main(['viewer', '--port', String(busyPort), '--dataset-dir', dir])).toBe(2);
    expect(err).toContain(`--port: ${busyPort} is already in use on 127.0.0.1`);
    expect(err).not.toContain('EADDRINUSE');
  });

  it('a worker with no Temporal server says where it looked and what to do, in one line', async () => {
    const code = await main(['worker', '--address', '127.0.0.1:1', '--data-dir', join(dir, 'data'), '--dataset-dir', join(dir, 'dataset')]);
    expect(code).toBe(1);
    expect(err).toBe('nightshift: cannot reach the Temporal server at 127.0.0.1:1 (set TEMPORAL_ADDRESS or --address, or start one with `nightshift dev`): Connection refused\n');
  });

  it('an unexpected error is its causes in one line; --verbose adds where it happened', () => {
    const error = new Error('socket hang up');
    expect(exitCodeFor(error, false)).toBe(1);
    expect(err).toBe('nightshift: unexpected error: socket hang up\n(add --verbose, or set NIGHTSHIFT_DEBUG=1, to see where it happened)\n');
    err = '';
    expect(exitCodeFor(error, true)).toBe(1);
    expect(err).toMatch(/^nightshift: unexpected error: socket hang up\nError: socket hang up\n\s+at /);
  });
});
