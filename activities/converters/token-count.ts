// Token counting for logged prompts and responses, with gpt-tokenizer's o200k_base encoding. It is not
// the evaluated model's own tokenizer (that would need the model's files, which a converter does not
// have), so counts are an approximation, stated in every result's `token_count_method` tag; for English
// text BPE vocabularies of this size land within a few percent of each other.
//
// The encoder is loaded lazily: its rank table is large and only runs with logged samples need it.

export const TOKEN_COUNT_METHOD =
  'gpt-tokenizer o200k_base (approximation, not the model tokenizer); prompt = every recorded request ' +
  'argument incl. all chat messages and few-shot turns, response = resps; one count per doc';

type Counter = (text: string) => number;
let counter: Promise<Counter> | undefined;

async function loadCounter(): Promise<Counter> {
  const encoding = await import('gpt-tokenizer/encoding/o200k_base');
  // Special-token text inside prompts ("<|endoftext|>") is counted as ordinary text, not rejected.
  const options = { disallowedSpecial: new Set<string>() };
  return (text) => encoding.countTokens(text, options);
}

/** BPE merges inside one pre-token are quadratic in its length (200 k characters without a space take
 * tens of seconds), so runs of non-space characters longer than this are counted in pieces. Ordinary text
 * never has such runs; for the odd base64 blob the count differs by at most a token per piece. */
const MAX_RUN = 256;
const LONG_RUN = new RegExp(`\\S{${String(MAX_RUN + 1)},}`);
const RUN_PIECE = new RegExp(`(\\S{${String(MAX_RUN)}})`);

export async function tokenCounter(): Promise<Counter> {
  counter ??= loadCounter();
  const count = await counter;
  return (text: string) => {
    if (text === '') return 0;
    if (!LONG_RUN.test(text)) return count(text);
    let total = 0;
    for (const piece of text.split(RUN_PIECE)) if (piece !== '') total += count(piece);
    return total;
  };
}
