// Pack patterns are written for Python's `re` (BenchLocal packs are scored by benchlocal-cli in
// Python), so they are translated to JavaScript once, at pack load, instead of being run as-is: a
// leading `(?i)` is a syntax error in JS, and `\Z`, `\A`, `(?P<name>…)` mean something else or
// nothing there. What cannot be translated faithfully is refused with a reason (the loader turns
// that into an error naming the pack line and field), never silently approximated.
//
// Known residual difference (documented in docs/quality.md): Python 3 `\d`, `\w`, `\b` and `\s`
// are Unicode-aware on str patterns; JavaScript's are ASCII (except `\s`). Packs in ASCII text
// are unaffected.

export class PatternTranslationError extends Error {}

export interface TranslatedPattern {
  source: string;
  flags: string;
}

const INLINE_FLAG_MAP: Record<string, string | null> = {
  i: 'i',
  m: 'm',
  s: 's',
  // ASCII matching is already JavaScript's behaviour for \w \d \b.
  a: '',
  // Unicode matching is Python 3's default for str patterns; nothing to add.
  u: '',
  // Verbose mode and locale matching have no JavaScript counterpart.
  x: null,
  L: null,
};

/**
 * Translates a Python `re` pattern to a JavaScript RegExp source and flags. `baseFlags` are the
 * Python flags the scorer passes (e.g. MULTILINE | DOTALL → "ms").
 */
export function translatePythonPattern(pattern: string, baseFlags = ''): TranslatedPattern {
  const flags = new Set(baseFlags.split('').filter(Boolean));
  let rest = pattern;
  // Global inline flags: Python accepts them only at the very start of the pattern.
  for (let m = /^\(\?([a-zA-Z]+)\)/.exec(rest); m; m = /^\(\?([a-zA-Z]+)\)/.exec(rest)) {
    for (const letter of m[1] ?? '') {
      const mapped = INLINE_FLAG_MAP[letter];
      if (mapped === undefined || mapped === null) {
        throw new PatternTranslationError(`inline flag (?${letter}) has no JavaScript equivalent`);
      }
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
      if (!inClass && next === 'A') {
        out += '(?<![\\s\\S])';
      } else if (!inClass && next === 'Z') {
        out += '(?![\\s\\S])';
      } else {
        out += ch + next;
      }
      i++;
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
      // A leading `]` (or `^]`) is a literal in both dialects; copy it so it does not close the class.
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
      const tail = rest.slice(i);
      const named = /^\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/.exec(tail);
      if (named) {
        out += `(?<${named[1]}>`;
        i += named[0].length - 1;
        continue;
      }
      const backref = /^\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/.exec(tail);
      if (backref) {
        out += `\\k<${backref[1]}>`;
        i += backref[0].length - 1;
        continue;
      }
      if (/^\(\?[aiLmsux-]+[:)]/.test(tail)) {
        throw new PatternTranslationError(`scoped or mid-pattern inline flags (${tail.slice(0, 8)}…) are not supported`);
      }
      if (/^\(\?\(/.test(tail)) throw new PatternTranslationError('conditional groups (?(…)…) have no JavaScript equivalent');
      if (/^\(\?#/.test(tail)) throw new PatternTranslationError('comment groups (?#…) are not supported');
    }
    if (ch === '$' && !multiline) {
      // Python's `$` without MULTILINE also matches just before a final newline.
      out += '(?=\\n?(?![\\s\\S]))';
      continue;
    }
    out += ch;
  }
  const flagString = [...flags].sort().join('');
  try {
    new RegExp(out, flagString);
  } catch (error) {
    throw new PatternTranslationError(`not a valid pattern after translation: ${(error as Error).message}`);
  }
  return { source: out, flags: flagString };
}

const cache = new Map<string, RegExp>();

/** Compiled, cached RegExp for a Python pattern (no `g` flag, so `test` has no hidden state). */
export function pythonRegex(pattern: string, baseFlags = ''): RegExp {
  const key = `${baseFlags}\u0000${pattern}`;
  let re = cache.get(key);
  if (!re) {
    const t = translatePythonPattern(pattern, baseFlags);
    re = new RegExp(t.source, t.flags);
    cache.set(key, re);
  }
  return re;
}
