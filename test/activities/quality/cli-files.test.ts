// `nightshift quality inspect|rescore` on saved files (no endpoint needed): output, written files,
// and exit code 2 for flag mistakes.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../client/cli.js';

const fixtures = fileURLToPath(new URL('../../../../shared/fixtures/benchlocal/', import.meta.url));
const sample = `${fixtures}result-sample-mock-responses.json`;
const packFlags = ['dataextract-15', 'instructfollow-15', 'reasonmath-15', 'structoutput-15', 'toolcall-15'].flatMap((p) => ['--pack-file', `${fixtures}packs/${p}.jsonl`]);

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((c: string | Uint8Array) => (out.push(String(c)), true));
  process.stderr.write = ((c: string | Uint8Array) => (err.push(String(c)), true));
  try {
    const code = await main(argv);
    return { code, out: out.join(''), err: err.join('') };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
    process.exitCode = undefined;
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-quality-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('quality inspect and rescore', () => {
  it('rescore --out writes the rescored file and reports no changed verdicts', async () => {
    const output = join(dir, 'rescored.json');
    const r = await run(['quality', 'rescore', sample, '--out', output, ...packFlags]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('rescored 7 responses; 0 verdict(s) changed');
    const saved = JSON.parse(await readFile(output, 'utf8')) as { totals: { passed: number; total: number } };
    expect(saved.totals).toMatchObject({ passed: 4, total: 7 });
  });

  it('rescore needs exactly one of --in-place / --out', async () => {
    const r = await run(['quality', 'rescore', sample]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('give exactly one of --in-place or --out FILE');
  });

  it('inspect --failed lists the failures; --full needs --scenario; --diff compares', async () => {
    const failed = await run(['quality', 'inspect', sample, '--failed']);
    expect(failed.code).toBe(0);
    expect(failed.out).toContain('- instructfollow-15 IF-10: verifier_fail (word count mismatch)');
    expect((await run(['quality', 'inspect', sample, '--full'])).code).toBe(2);
    const diff = await run(['quality', 'inspect', sample, '--diff', sample]);
    expect(diff.out).toContain('Regressions: none');
    const missing = await run(['quality', 'inspect', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read quality result');
  });
});
