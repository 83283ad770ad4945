// Token totals from lm-eval's --log_samples output (samples_<task>_<date>.jsonl beside the results file).
//
// What lm-eval logs per line: one document *per filter* (gsm8k's strict-match and flexible-extract each
// repeat the same doc, request and response), so docs are counted once, by doc_id. `arguments` holds every
// request made for the doc — {"gen_args_0": {"arg_0": prompt, "arg_1": gen_kwargs}, ...} in 0.4.x, a list
// of argument lists in older files; multiple-choice tasks make one request per choice, all of which the
// model read. Chat models record the prompt as the JSON text of the whole message list, so every message
// (system, few-shot user/assistant turns, the question) is counted — the seed counted only the last one.
// `resps` holds the generated texts (requests × repeats); for log-likelihood requests it holds
// [logprob, is_greedy] pairs, which are not generated text and count as zero response tokens.
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import { forEachJsonLine } from './jsonl-stream.js';
import { tokenCounter } from './token-count.js';
import { isRecord } from '../../workflows/shared/records.js';

export interface SampleTokens {
  file: string;
  docs: number;
  promptTokens: number;
  responseTokens: number;
}

const STAMP = String.raw`\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d+)?`;

/** The run stamp lm-eval puts in its file names (results_<stamp>.json, samples_<task>_<stamp>.jsonl). */
export function runStamp(resultsFile: string): string | undefined {
  return new RegExp(`(${STAMP})\\.json$`).exec(basename(resultsFile))?.[1];
}

/** The samples file of `task` that belongs to the run of `resultsFile`: same directory, same stamp. Without
 * a stamp in the results file name, the single samples file of that task, if there is exactly one.
 * Returns a reason string when there is no unambiguous file. */
export async function findSamplesFile(
  resultsFile: string,
  task: string,
  siblings?: readonly string[],
): Promise<{ file: string } | { missing: string }> {
  const dir = dirname(resultsFile);
  const names = siblings ?? (await readdir(dir));
  const stamp = runStamp(resultsFile);
  const prefix = `samples_${task}_`;
  const candidates = names.filter(
    (n) => n.startsWith(prefix) && new RegExp(`^${STAMP}\\.jsonl$`).test(n.slice(prefix.length)),
  );
  if (stamp) {
    const exact = `${prefix}${stamp}.jsonl`;
    return candidates.includes(exact) ? { file: join(dir, exact) } : { missing: `no ${exact} beside the results file` };
  }
  if (candidates.length === 1) return { file: join(dir, candidates[0] as string) };
  if (candidates.length === 0) return { missing: `no samples_${task}_*.jsonl beside the results file` };
  return { missing: `${String(candidates.length)} samples_${task}_*.jsonl files and no run date in the results file name to choose one` };
}

/** Streams one samples file and totals prompt and response tokens, each doc once. */
export async function countSampleTokens(file: string): Promise<SampleTokens> {
  const count = await tokenCounter();
  const seen = new Set<string>();
  let promptTokens = 0;
  let responseTokens = 0;
  await forEachJsonLine(file, (record, line) => {
    if (!isRecord(record)) throw new InputError(`${file} line ${String(line)}: expected a JSON object per line`);
    if (!('arguments' in record) || !('resps' in record)) {
      throw new InputError(`${file} line ${String(line)}: not an lm-eval sample (no "arguments"/"resps" fields)`);
    }
    const key = record.doc_id === undefined ? `line:${String(line)}` : JSON.stringify(record.doc_id);
    if (seen.has(key)) return; // the same doc logged again for another filter
    seen.add(key);
    for (const text of promptTexts(record.arguments)) promptTokens += count(text);
    for (const text of responseTexts(record.resps)) responseTokens += count(text);
  });
  return { file, docs: seen.size, promptTokens, responseTokens };
}

/** Every string argument of every request; a string holding a JSON chat message list yields each
 * message's text instead. lm-eval 0.4.13 wraps a chat prompt in a one-item list
 * (`"arg_0": ["[{\"role\": ...}]"]`), so lists are walked; records (generation settings) are not prompt
 * text. */
export function promptTexts(args: unknown): string[] {
  const requests: unknown[] = Array.isArray(args) ? args : isRecord(args) ? Object.values(args) : [];
  const out: string[] = [];
  const walk = (node: unknown, depth: number) => {
    if (typeof node === 'string') {
      const messages = chatMessages(node);
      if (messages) out.push(...messages);
      else out.push(node);
    } else if (Array.isArray(node) && depth < 3) {
      for (const child of node) walk(child, depth + 1);
    }
  };
  for (const request of requests) {
    const values: unknown[] = Array.isArray(request) ? request : isRecord(request) ? Object.values(request) : [request];
    for (const value of values) walk(value, 0);
  }
  return out;
}

function chatMessages(text: string): string[] | undefined {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('[{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((m) => isRecord(m) && 'role' in m && 'content' in m)) return undefined;
  const out: string[] = [];
  for (const message of parsed as Array<{ content: unknown }>) {
    if (typeof message.content === 'string') out.push(message.content);
    else if (Array.isArray(message.content)) {
      // OpenAI content parts: [{type: "text", text: "..."}, ...]
      for (const part of message.content) if (isRecord(part) && typeof part.text === 'string') out.push(part.text);
    }
  }
  return out;
}

/** Generated texts in `resps` (requests × repeats × text); log-likelihood pairs are skipped. */
export function responseTexts(resps: unknown): string[] {
  const out: string[] = [];
  const walk = (node: unknown, depth: number) => {
    if (typeof node === 'string') out.push(node);
    else if (Array.isArray(node) && depth < 3 && !isLoglikelihoodPair(node)) {
      for (const child of node) walk(child, depth + 1);
    }
  };
  walk(resps, 0);
  return out;
}

/** [logprob, is_greedy] as lm-eval logs it: numbers and booleans, or their str() ("-2.3", "False"). */
function isLoglikelihoodPair(node: unknown[]): boolean {
  if (node.length !== 2) return false;
  const [logprob, greedy] = node;
  const numeric = typeof logprob === 'number' || (typeof logprob === 'string' && logprob.trim() !== '' && !Number.isNaN(Number(logprob)));
  const flag = typeof greedy === 'boolean' || greedy === 'True' || greedy === 'False';
  return numeric && flag;
}
