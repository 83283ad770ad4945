// Reading a raw chat-completions response the way benchlocal-cli's scorers do, so a verdict does not
// depend on which client produced the response: the answer text is `content`, falling back to the
// reasoning fields when content is empty (servers whose reasoning parser swallows the answer); leaked
// <think> blocks are stripped; tool calls come from the first choice's message.
import { isRecord } from '../../../workflows/shared/records.js';

export type RawResponse = Record<string, unknown>;

const TEXT_FIELDS = ['content', 'reasoning_content', 'reasoning'] as const;
const THINK_BLOCK = /<think\b[^>]*>[\s\S]*?<\/think\s*>/gi;
const THINK_TAG = /<\/?think\b[^>]*>/gi;

/** Strips leaked reasoning tags; clean text comes back byte-identical. */
export function stripThinkTags(text: string): string {
  const cleaned = text.replace(THINK_BLOCK, '').replace(THINK_TAG, '');
  return cleaned === text ? text : cleaned.trim();
}

/** The assistant message of the first choice (or a bare `message`), {} when there is none. */
export function responseMessage(response: unknown): Record<string, unknown> {
  if (!isRecord(response)) return {};
  if (isRecord(response.message)) return response.message;
  const choices = response.choices;
  if (Array.isArray(choices) && isRecord(choices[0])) {
    const first = choices[0];
    const msg = isRecord(first.message) ? first.message : isRecord(first.delta) ? first.delta : undefined;
    if (msg) return msg;
  }
  return {};
}

/** The answer text and the field it came from (`message.content`, `message.reasoning_content`, …). */
export function answerText(response: unknown): { text: string; source: string | null } {
  if (isRecord(response)) {
    for (const f of TEXT_FIELDS) {
      const v = response[f];
      if (typeof v === 'string' && v !== '') return { text: stripThinkTags(v), source: f };
    }
  }
  const msg = responseMessage(response);
  for (const f of TEXT_FIELDS) {
    const v = msg[f];
    if (typeof v === 'string' && v !== '') return { text: stripThinkTags(v), source: `message.${f}` };
  }
  return { text: '', source: null };
}

/** The answer text a code verifier reads: the first channel with more than whitespace in it (an answer
 * of only blank content falls to the reasoning, as benchlocal-cli's code sandbox reads it). */
export function codeAnswerText(response: unknown): { text: string; source: string | null } {
  const channel = textChannels(response).find((c) => c.text.trim() !== '');
  return channel ? { text: channel.text, source: channel.source } : { text: '', source: null };
}

/** Every non-empty text channel (content and reasoning), for checks that may read the working. */
export function textChannels(response: unknown): Array<{ source: string; text: string }> {
  const out: Array<{ source: string; text: string }> = [];
  if (isRecord(response)) {
    for (const f of TEXT_FIELDS) {
      const v = response[f];
      if (typeof v === 'string' && v !== '') out.push({ source: f, text: stripThinkTags(v) });
    }
  }
  const msg = responseMessage(response);
  for (const f of TEXT_FIELDS) {
    const v = msg[f];
    if (typeof v === 'string' && v !== '') out.push({ source: `message.${f}`, text: stripThinkTags(v) });
  }
  return out;
}

export function toolCalls(response: unknown): Array<Record<string, unknown>> {
  const direct = isRecord(response) ? response.tool_calls : undefined;
  const calls = Array.isArray(direct) ? direct : responseMessage(response).tool_calls;
  return Array.isArray(calls) ? calls.filter(isRecord) : [];
}

export function finishReason(response: unknown): string | undefined {
  if (!isRecord(response)) return undefined;
  const choices = response.choices;
  if (Array.isArray(choices) && isRecord(choices[0]) && typeof choices[0].finish_reason === 'string') return choices[0].finish_reason;
  return typeof response.finish_reason === 'string' ? response.finish_reason : undefined;
}

/** Whether the message carries any reasoning (reasoning fields, or an unparsed <think> in content). */
export function hasReasoning(response: unknown): boolean | undefined {
  if (!isRecord(response) || !Array.isArray(response.choices) || !isRecord(response.choices[0])) return undefined;
  const msg = responseMessage(response);
  for (const f of ['reasoning_content', 'reasoning']) {
    const v = msg[f];
    if (typeof v === 'string' && v.trim() !== '') return true;
  }
  return typeof msg.content === 'string' && msg.content.includes('<think>');
}

export function usageOf(response: unknown): { prompt?: number; completion?: number } {
  const usage = isRecord(response) && isRecord(response.usage) ? response.usage : {};
  const out: { prompt?: number; completion?: number } = {};
  if (Number.isInteger(usage.prompt_tokens)) out.prompt = usage.prompt_tokens as number;
  if (Number.isInteger(usage.completion_tokens)) out.completion = usage.completion_tokens as number;
  return out;
}

/** Removes one enclosing ``` fence (with an optional language tag) around the whole text. */
export function stripCodeFence(text: string): string {
  const t = text.trim();
  const m = /^```(?:[A-Za-z0-9_-]+)?\s*([\s\S]*?)\s*```$/.exec(t);
  return m ? (m[1] ?? '').trim() : t;
}

