// Pack loading: BenchLocal's packs load as-is; broken packs are refused with file, line and field.
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPackFile, parsePack, resolvePacks } from '../../../activities/suites/quality/pack-loader.js';
import { PackUnavailableError } from '../../../activities/suites/quality/benchlocal-packs.js';
import { pythonRegex, translatePythonPattern } from '../../../activities/suites/quality/python-regex.js';

const shared = fileURLToPath(new URL('../../../../shared/fixtures/benchlocal/packs/', import.meta.url));
const meta = '{"__meta__":true,"pack_id":"t-1","version":"1.0.0"}';
const scenario = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ id: 'T-01', messages: [{ role: 'user', content: 'hi' }], verifier: { type: 'instruct_follow', asserts: [{ kind: 'required_phrase', value: 'x' }] }, ...over });

describe('pack loader', () => {
  it('loads every shared BenchLocal pack with 15 scenarios', async () => {
    const files = (await readdir(shared)).filter((f) => f.endsWith('.jsonl'));
    expect(files).toHaveLength(5);
    for (const f of files) {
      const pack = await loadPackFile(shared + f);
      expect(pack.scenarios).toHaveLength(15);
      expect(pack.meta.pack_id).toBe(f.replace('.jsonl', ''));
    }
  });

  it("reads benchlocal-cli's reasoning packs from its install, and says how to install it when absent", async () => {
    const none = { PATH: '/nonexistent', NIGHTSHIFT_TOOLS_DIR: '/nonexistent/tools' };
    const refused = await resolvePacks(['ns-toolcall-15', 'lcb-v6-30'], [], undefined, none).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(PackUnavailableError);
    expect((refused as Error).message).toMatch(/^pack lcb-v6-30: not installed: benchlocal-cli is neither in \/nonexistent\/tools\/benchlocal-venv\/bin\/benchlocal-cli nor on PATH; run deploy\/setup\/install-benchlocal.sh/);
    // A directory named by NIGHTSHIFT_BENCHLOCAL_PACKS is where the files come from.
    const [pack] = await resolvePacks(['ns-toolcall-15'], [], undefined, none);
    expect(pack?.meta.pack_id).toBe('ns-toolcall-15');
    const wrongDir = await resolvePacks(['gpqa-diamond'], [], undefined, { ...none, NIGHTSHIFT_BENCHLOCAL_PACKS: shared }).catch((e: unknown) => e);
    expect((wrongDir as Error).message).toContain(`${shared}gpqa-diamond.jsonl`);
  });

  it('accepts a minimal pack', () => {
    expect(parsePack(`${meta}\n${scenario()}\n`, 'p.jsonl').scenarios).toHaveLength(1);
  });

  it.each([
    ['missing header', scenario(), /line 1: the first line must be the/],
    ['bad JSON', `${meta}\n{nope`, /p\.jsonl: line 2: not JSON/],
    ['unknown kind', `${meta}\n${scenario({ verifier: { type: 'instruct_follow', asserts: [{ kind: 'rhymes' }] } })}`, /line 2 \(T-01\): verifier\.asserts\[0\]\.kind: expected one of the instruct_follow kinds/],
    ['missing field', `${meta}\n${scenario({ verifier: { type: 'tool_call', asserts: [{ kind: 'arg_regex', arg: 'q' }] } })}`, /verifier\.asserts\[0\]\.pattern: expected/],
    ['untranslatable regex', `${meta}\n${scenario({ verifier: { type: 'tool_call', asserts: [{ kind: 'content_regex', pattern: '(?x) a b' }] } })}`, /pattern: expected a pattern the linear-time matcher \(RE2\) can run/],
    ['backtracking regex', `${meta}\n${scenario({ verifier: { type: 'tool_call', asserts: [{ kind: 'content_regex', pattern: '(\\w+) \\1' }] } })}`, /line 2 \(T-01\): verifier\.asserts\[0\]\.pattern: expected .*backreference \\1 is not supported/],
    ['duplicate id', `${meta}\n${scenario()}\n${scenario()}`, /line 3: id: "T-01" repeats the id of line 2/],
    ['bad verifier type', `${meta}\n${scenario({ verifier: { type: 'vibes', asserts: [] } })}`, /verifier\.type: expected one of tool_call/],
    ['bad version', `{"__meta__":true,"pack_id":"t"}\n${scenario()}`, /line 1: version: expected/],
    ['count mismatch', `{"__meta__":true,"pack_id":"t","version":"1","scenario_count":2}\n${scenario()}`, /scenario_count: header says 2, file has 1/],
  ])('refuses %s with line and field', (_name, text, message) => {
    expect(() => parsePack(text, 'p.jsonl')).toThrow(message);
  });
});

describe('Python regex translation', () => {
  it('turns leading inline flags into flags', () => {
    expect(translatePythonPattern('(?i)berlin')).toEqual({ source: 'berlin', flags: 'i' });
    expect(pythonRegex('(?is)a.b').test('A\nB')).toBe(true);
    expect(pythonRegex('a(?i:b)c').test('aBc')).toBe(true);
  });
  it('translates \\A, \\Z, named groups, {,n}, \\uXXXX and Python $', () => {
    expect(pythonRegex('\\Aab\\Z').test('ab')).toBe(true);
    expect(pythonRegex('\\Aab\\Z').test('ab\n')).toBe(false);
    expect(pythonRegex('ab$').test('ab\n')).toBe(true);
    expect(pythonRegex('ab$').test('ab\n\n')).toBe(false);
    expect(pythonRegex('(?m)^ab$').test('x\nab\ny')).toBe(true);
    expect(pythonRegex('(?P<w>o+)k').test('fook')).toBe(true);
    expect(pythonRegex('^a{,2}$').test('aa')).toBe(true);
    expect(pythonRegex('^a{,2}$').test('aaa')).toBe(false);
    expect(pythonRegex('\\u00e9').test('café')).toBe(true);
    expect(pythonRegex('[$]').test('$')).toBe(true);
    expect(pythonRegex('[]a]').test(']')).toBe(true);
  });
  it('matches in linear time: a pattern that backtracks for ever in JavaScript answers at once', () => {
    // JavaScript's engine needs minutes for 30 "a"s and never ends for 40; RE2 scans the text once.
    const text = `${'a'.repeat(50_000)}!`;
    expect(pythonRegex('^(a+)+$').test(text)).toBe(false);
    expect(pythonRegex('^(a|aa)*$').test(text)).toBe(false);
    expect(pythonRegex('(x+x+)+y').test('x'.repeat(50_000))).toBe(false);
  });
  it('refuses what needs backtracking or cannot be translated, saying why', () => {
    expect(() => translatePythonPattern('(?x) a')).toThrow(/no RE2 equivalent/);
    expect(() => translatePythonPattern('a(?i)b')).toThrow(/must start the pattern/);
    expect(() => translatePythonPattern('(?P<w>o)(?P=w)')).toThrow(/backreference .* backtracking engine/);
    expect(() => translatePythonPattern('(o)\\1')).toThrow(/backreference \\1/);
    expect(() => translatePythonPattern('a(?=b)')).toThrow(/lookaround/);
    expect(() => translatePythonPattern('(?<!a)b')).toThrow(/lookaround/);
    expect(() => translatePythonPattern('(?>a+)b')).toThrow(/atomic group/);
    expect(() => translatePythonPattern('a$b')).toThrow(/`\$` followed by more pattern/);
    expect(() => translatePythonPattern('a++')).toThrow(/not a pattern RE2 accepts/);
  });
});

describe('pack loader error reporting', () => {
  it('reports a bad header once, then still checks the scenarios', () => {
    let message = '';
    try {
      parsePack(`{"__meta__":true,"pack_id":"t"}\n${scenario({ id: '' })}`, 'p.jsonl');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('p.jsonl: line 1: version: expected');
    expect(message).toContain('p.jsonl: line 2: id: expected a non-empty string');
    expect(message).not.toContain('the first line must be');
  });
  it('refuses an empty file', () => {
    expect(() => parsePack('\n\n', 'p.jsonl')).toThrow(/the file is empty/);
  });
});
