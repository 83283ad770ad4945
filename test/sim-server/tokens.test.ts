import { describe, expect, it } from 'vitest';
import { countTokens, splitTokens, VOCABULARY } from '../../client/sim-server/tokens.js';
import { parseChatRequest } from '../../client/sim-server/request.js';

describe('simulator tokenizer approximation', () => {
  it('counts words, long-word chunks and punctuation as documented', () => {
    expect(countTokens('Hello, world!')).toBe(4);
    expect(countTokens('a b c')).toBe(3);
    expect(countTokens('supercalifragilistic')).toBe(3); // 20 letters → ceil(20 / 8)
    expect(countTokens('日本語 ok')).toBe(4);
    expect(countTokens('   ')).toBe(0);
  });

  it('splits into exactly countTokens pieces that join back to the text', () => {
    for (const text of ['Hello, world!', '  lead and trail  ', 'x😀y', 'The capital of France is Paris.', '{"a":1}']) {
      const pieces = splitTokens(text);
      expect(pieces.join('')).toBe(text);
      expect(pieces.length).toBe(countTokens(text));
    }
  });

  it('makes a chat prompt of N words cost N + 7 tokens', () => {
    const words = Array.from({ length: 100 }, (_, i) => VOCABULARY[i]).join(' ');
    const r = parseChatRequest({ model: 'sim-x', messages: [{ role: 'user', content: words }] });
    expect(r.promptTokens).toBe(107);
  });

  it('has a vocabulary of distinct one-token words', () => {
    expect(new Set(VOCABULARY).size).toBe(VOCABULARY.length);
    for (const w of VOCABULARY) expect(countTokens(` ${w}`)).toBe(1);
  });
});
