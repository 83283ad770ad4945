// The simulator's tokenizer approximation and its pseudo-word vocabulary.
//
// Token rule (documented in docs/sim-server.md, relied on by tests and by anyone predicting counts):
//   * a run of ASCII letters/digits is ceil(length / 8) tokens (so an ordinary English word is one);
//   * every other non-whitespace character (punctuation, symbols, each non-ASCII character) is one token;
//   * whitespace is free: it belongs to the token that follows it.
// A chat prompt costs the tokens of every message's text plus 4 per message (role markers) plus 3 for
// the assistant turn the template opens; offered tools add the tokens of their JSON. So N plain words in
// one user message are N + 7 prompt tokens.
// Generated text is made of pseudo-words of at most 8 letters, so every generated token is exactly one
// token by the same rule and `completion_tokens` always equals the number of pieces streamed.

export const MESSAGE_OVERHEAD_TOKENS = 4;
export const ASSISTANT_PRIMING_TOKENS = 3;
const WORD_CHUNK = 8;

function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x3000 || c === 0x2028 || c === 0x2029;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** Number of tokens in `text` under the rule above. O(n), no allocation. */
export function countTokens(text: string): number {
  let tokens = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isAsciiAlnum(c)) {
      run++;
      continue;
    }
    if (run > 0) {
      tokens += Math.ceil(run / WORD_CHUNK);
      run = 0;
    }
    if (isSpace(c)) continue;
    tokens++;
    if (isHighSurrogate(c) && i + 1 < text.length) i++;
  }
  if (run > 0) tokens += Math.ceil(run / WORD_CHUNK);
  return tokens;
}

/**
 * Splits text into pieces, one per token (leading whitespace attached to the piece it precedes, trailing
 * whitespace to the last piece), so `pieces.join('') === text` and `pieces.length === countTokens(text)`.
 * Used for scripted replies, which are short.
 */
export function splitTokens(text: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    if (i >= text.length) break;
    const c = text.charCodeAt(i);
    if (isAsciiAlnum(c)) {
      let end = i;
      while (end < text.length && end - i < WORD_CHUNK && isAsciiAlnum(text.charCodeAt(end))) end++;
      i = end;
    } else {
      i += isHighSurrogate(c) && i + 1 < text.length ? 2 : 1;
    }
    pieces.push(text.slice(start, i));
    start = i;
  }
  if (start < text.length) {
    // Trailing space joins the last piece (or is the only one).
    const last = pieces.pop();
    pieces.push((last ?? '') + text.slice(start));
  }
  return pieces;
}

// Pseudo-words: syllable pairs and triples, all lowercase ASCII and at most 8 letters, so each is one
// token and needs no JSON escaping. Fixed at module load: the vocabulary is part of the output format.
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'de', 'ba', 'zu', 'fe', 'go', 'ha', 'pi', 'wen'];

function buildVocabulary(): string[] {
  const words: string[] = [];
  for (const a of SYLLABLES) for (const b of SYLLABLES) words.push(a + b);
  // Then three-syllable words, walked with a stride so neighbours differ, until 512 distinct words.
  const n = SYLLABLES.length;
  // `index % n` is always a valid index; the default only satisfies the type.
  const syllable = (index: number): string => SYLLABLES[index % n] ?? '';
  for (let k = 0; words.length < 512 && k < n * n * n; k++) {
    const j = (k * 97) % (n * n * n);
    const word = (syllable(j) + syllable(Math.floor(j / n)) + syllable(Math.floor(j / (n * n)))).slice(0, WORD_CHUNK);
    if (!words.includes(word)) words.push(word);
  }
  return words;
}

export const VOCABULARY: readonly string[] = buildVocabulary();
/** Each word with a leading space, JSON-quoted, ready to splice into a chunk without escaping work. */
export const VOCABULARY_JSON_SPACED: readonly string[] = VOCABULARY.map((w) => JSON.stringify(` ${w}`));
/** The same words without the leading space (first token of a reply), JSON-quoted. */
export const VOCABULARY_JSON_BARE: readonly string[] = VOCABULARY.map((w) => JSON.stringify(w.charAt(0).toUpperCase() + w.slice(1)));
