// Pack patterns are written for Python's `re` (BenchLocal packs are scored by benchlocal-cli in
// Python) and come from pack files anyone can write, so they run on RE2 (re2js), whose matching time
// is linear in the text: a pattern like `^(a+)+$` cannot stall scoring, whatever the model answers.
// Each pattern is translated from Python's dialect to RE2's once, at pack load. What RE2 cannot run
// (backreferences, lookaround, atomic groups: the features that need backtracking) or what cannot be
// translated faithfully is refused with a reason — the loader turns that into an error naming the pack
// line and field — never silently approximated.
//
// Known residual difference (documented in docs/quality.md): Python 3 `\d`, `\w`, `\b` and `\s` are
// Unicode-aware on str patterns; RE2's are ASCII. Packs in ASCII text are unaffected.
import { RE2JS } from 're2js';

export class PatternTranslationError extends Error {}

/** A compiled pack pattern: `test` is Python's `re.search(...) is not None`. */
export interface PackPattern {
  test(text: string): boolean;
}

export interface TranslatedPattern {
  /** RE2 syntax. */
  source: string;
  /** Python flag letters in effect for the whole pattern (i, m, s). */
  flags: string;
}

const INLINE_FLAG_MAP: Record<string, string | null> = {
  i: 'i',
  m: 'm',
  s: 's',
  // ASCII matching is already RE2's behaviour for \w \d \b.
  a: '',
  // Unicode matching is Python 3's default for str patterns; nothing to add.
  u: '',
  // Verbose mode and locale matching have no RE2 counterpart.
  x: null,
  L: null,
};

const BACKTRACKING = 'which needs a backtracking engine (its matching time can explode on some answers); rewrite the pattern without it';

/**
 * Translates a Python `re` pattern to RE2 syntax. `baseFlags` are the Python flags the scorer passes
 * (e.g. MULTILINE | DOTALL → "ms").
 */
export function translatePythonPattern(pattern: string, baseFlags = ''): TranslatedPattern {
  const flags = new Set(baseFlags.split('').filter(Boolean));
  let rest = pattern;
  // Global inline flags: Python accepts them only at the very start of the pattern.
  for (let m = /^\(\?([a-zA-Z]+)\)/.exec(rest); m; m = /^\(\?([a-zA-Z]+)\)/.exec(rest)) {
    for (const letter of m[1] ?? '') {
      const mapped = INLINE_FLAG_MAP[letter];
      if (mapped === undefined || mapped === null) throw new PatternTranslationError(`inline flag (?${letter}) has no RE2 equivalent`);
      if (mapped) flags.add(mapped);
    }
    rest = rest.slice(m[0].length);
  }
  const multiline = flags.has('m');
  let out = '';
  let inClass = false;
  for (let i = 0; i < rest.length; i++) {
    const ch = rest[i] as string;
    if (ch === '\\') {
      const next = rest[i + 1];
      if (next === undefined) throw new PatternTranslationError('pattern ends with a lone backslash');
      const escape = translateEscape(rest, i, inClass);
      out += escape.text;
      i += escape.length - 1;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      out += ch;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      out += ch;
      // A leading `]` (or `^]`) is a literal in Python; RE2 wants it escaped.
      if (rest[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (rest[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (ch === '(' && rest[i + 1] === '?') {
      out += translateGroupOpening(rest.slice(i));
      // The opening was copied or rewritten whole only for `(?P<name>`; everything else is one char.
      const named = /^\(\?P<[A-Za-z_][A-Za-z0-9_]*>/.exec(rest.slice(i));
      i += (named ? named[0].length : 1) - 1;
      continue;
    }
    if (ch === '{' && /^\{,\d+\}/.test(rest.slice(i))) {
      // Python's `{,n}` is `{0,n}`; RE2 would read it as literal text.
      out += '{0';
      continue;
    }
    if (ch === '$' && !multiline) {
      // Python's `$` without MULTILINE also matches just before a final newline. RE2 has no lookahead,
      // so `$` becomes "an optional newline, then the end" — equal for a search only where nothing
      // but the end of a group or an alternative follows.
      const after = rest[i + 1];
      if (after !== undefined && after !== ')' && after !== '|') {
        throw new PatternTranslationError('`$` followed by more pattern cannot be matched the way Python does; use \\Z or MULTILINE');
      }
      out += '(?:\\n?\\z)';
      continue;
    }
    out += ch;
  }
  const flagString = [...flags].sort().join('');
  compile(out, flagString);
  return { source: out, flags: flagString };
}

/** One backslash escape at `rest[i]`, in RE2 syntax, and how many characters it took. */
function translateEscape(rest: string, i: number, inClass: boolean): { text: string; length: number } {
  const next = rest[i + 1] as string;
  if (!inClass && next === 'Z') return { text: '\\z', length: 2 };
  if (/[1-9]/.test(next) && !inClass) throw new PatternTranslationError(`backreference \\${next} is not supported, ${BACKTRACKING}`);
  const unicode = /^\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8}))/.exec(rest.slice(i));
  if (unicode) return { text: `\\x{${unicode[1] ?? unicode[2] ?? ''}}`, length: unicode[0].length };
  return { text: `\\${next}`, length: 2 };
}

/** The RE2 text for a group opening `(?…` at the start of `tail`; throws for what RE2 cannot run. */
function translateGroupOpening(tail: string): string {
  const named = /^\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/.exec(tail);
  if (named) return named[0];
  if (/^\(\?P=/.test(tail)) throw new PatternTranslationError(`backreference ${tail.slice(0, 12)}… is not supported, ${BACKTRACKING}`);
  if (/^\(\?(=|!|<=|<!)/.test(tail)) throw new PatternTranslationError(`lookaround ${tail.slice(0, 4)}… is not supported, ${BACKTRACKING}`);
  if (/^\(\?>/.test(tail)) throw new PatternTranslationError(`atomic group (?>…) is not supported, ${BACKTRACKING}`);
  if (/^\(\?\(/.test(tail)) throw new PatternTranslationError('conditional groups (?(…)…) have no RE2 equivalent');
  if (/^\(\?#/.test(tail)) throw new PatternTranslationError('comment groups (?#…) are not supported');
  if (/^\(\?[aiLmsux-]+\)/.test(tail)) throw new PatternTranslationError(`inline flags (${tail.slice(0, 8)}…) must start the pattern`);
  // Scoped flags `(?i:…)`: RE2 has them for i, m and s.
  const scoped = /^\(\?([a-zA-Z-]+):/.exec(tail);
  if (scoped && /[^ims-]/.test(scoped[1] ?? '')) throw new PatternTranslationError(`scoped flags (${scoped[0]}…) other than i, m, s have no RE2 equivalent`);
  return '(';
}

function compile(source: string, flags: string): RE2JS {
  const bits = (flags.includes('i') ? RE2JS.CASE_INSENSITIVE : 0) | (flags.includes('m') ? RE2JS.MULTILINE : 0) | (flags.includes('s') ? RE2JS.DOTALL : 0);
  try {
    return RE2JS.compile(source, bits);
  } catch (error) {
    throw new PatternTranslationError(`not a pattern RE2 accepts: ${(error as Error).message}`);
  }
}

const cache = new Map<string, PackPattern>();

/** Compiled, cached pattern for a Python pattern; `test` searches, in time linear in the text. */
export function pythonRegex(pattern: string, baseFlags = ''): PackPattern {
  const key = `${baseFlags}\u0000${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const t = translatePythonPattern(pattern, baseFlags);
    const compiled = compile(t.source, t.flags);
    re = { test: (text) => compiled.test(text) };
    cache.set(key, re);
  }
  return re;
}
