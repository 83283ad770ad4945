// Prompts of a requested length in the server's own tokens, salted so no prefix cache can help.
// Length: the text is made of short common English words (one token each in the usual tokenizers, so
// prompt lengths vary little from request to request); two probe requests (max_tokens 1) measure how many
// prompt tokens the server counts for two word counts, and a straight line through them (chat template
// overhead + tokens per word) gives the word count for any target. Salt: every prompt starts with a
// random nonce, so two requests never share a prefix beyond the chat template — not across repeats,
// cells or retried attempts.
import { randomBytes } from 'node:crypto';
import type { ChatMessage, OpenAIClient } from '../../endpoint/openai-client.js';

const WORDS = (
  'time year people way day man thing woman life child world school state family student group country ' +
  'problem hand part place case week company system program work number night point home water room ' +
  'mother area money story fact month lot right study book eye job word issue side kind head house ' +
  'service friend father power hour game line end member law car city name team minute idea kid body ' +
  'back parent face others level office door health person art war history party result change morning ' +
  'reason girl guy moment air teacher force river garden window market music table paper letter winter ' +
  'summer forest island bridge train village'
).split(' ');

/** Small, fast, seeded PRNG (mulberry32): the word sequence is reproducible from the config's seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function words(count: number, random: () => number): string {
  const out = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const word = WORDS[Math.floor(random() * WORDS.length)];
    if (word === undefined) throw new RangeError('words: random() must return a number in [0, 1)');
    out[i] = word;
  }
  return out.join(' ');
}

/** A fresh nonce per prompt; deliberately not seeded (a retried attempt must not hit the cache either). */
export function salt(): string {
  return randomBytes(8).toString('hex');
}

export function promptMessages(wordCount: number, random: () => number, nonce = salt()): ChatMessage[] {
  return [{ role: 'user', content: `[${nonce}] Write a long story that uses these words: ${words(wordCount, random)}` }];
}

/** Prompt tokens ≈ overhead + perWord × words, as measured on the server (or a flagged guess). */
export interface PromptCalibration {
  overhead: number;
  perWord: number;
  /** True when the server reported no usage and the line is a guess. */
  estimated: boolean;
}

export const GUESSED_CALIBRATION: PromptCalibration = { overhead: 20, perWord: 1.3, estimated: true };

export function wordsForTokens(target: number, calibration: PromptCalibration): number {
  return Math.max(1, Math.round((target - calibration.overhead) / calibration.perWord));
}

const PROBE_WORDS = [64, 576] as const;
/** Tokens per word assumed when shrinking the probes to a small context: more than any tokenizer we
 * target spends on these common words, so the shrunk probes fit. */
const SAFE_TOKENS_PER_WORD = 2;

/** The two probe word counts: [64, 576], shrunk to fit a server whose context is small. */
export function probeWordCounts(contextTokens?: number): [number, number] {
  if (contextTokens === undefined) return [...PROBE_WORDS];
  const room = Math.floor((contextTokens - 64) / SAFE_TOKENS_PER_WORD);
  const large = Math.max(8, Math.min(PROBE_WORDS[1], room));
  return [Math.max(2, Math.min(PROBE_WORDS[0], Math.floor(large / 8))), large];
}

export async function calibratePrompts(
  client: OpenAIClient,
  model: string,
  options: { signal?: AbortSignal; timeoutMs?: number; extra?: Record<string, unknown>; contextTokens?: number } = {},
): Promise<PromptCalibration> {
  const random = seededRandom(0x5eed);
  const counts: number[] = [];
  const probes = probeWordCounts(options.contextTokens);
  for (const n of probes) {
    const reply = await client.chatCompletion(
      { model, messages: promptMessages(n, random), max_tokens: 1, temperature: 0, extra: options.extra },
      { signal: options.signal, timeoutMs: options.timeoutMs },
    );
    if (!reply.usage) return GUESSED_CALIBRATION;
    counts.push(reply.usage.prompt_tokens);
  }
  const [small, large] = counts;
  if (small === undefined || large === undefined) return GUESSED_CALIBRATION;
  const perWord = (large - small) / (probes[1] - probes[0]);
  if (!(perWord > 0)) return GUESSED_CALIBRATION;
  return { overhead: small - perWord * probes[0], perWord, estimated: false };
}
