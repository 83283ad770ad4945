// Non-streamed response bodies: chat.completion and text_completion (with echo and logprobs for
// lm-eval's loglikelihood requests), in the field layout llama-server uses, timings included.
import type { ModelSpec } from './config.js';
import type { Usage } from './chunks.js';
import { SYSTEM_FINGERPRINT } from './chunks.js';
import { hashString, mixSeed } from './rng.js';
import { collectReply, type ReplyPlan } from './reply.js';
import type { SimRequest } from './request.js';
import { splitTokens } from './tokens.js';
import type { LlamaTimings } from './timing.js';

export function buildChatBody(
  id: number,
  created: number,
  model: ModelSpec,
  plan: ReplyPlan,
  reply: ReturnType<typeof collectReply>,
  usage: Usage,
  timings: LlamaTimings,
): Record<string, unknown> {
  const message: Record<string, unknown> = { role: 'assistant', content: reply.content || (reply.toolCallsStarted ? null : '') };
  if (reply.reasoning) message[model.reasoning.field === 'reasoning' ? 'reasoning' : 'reasoning_content'] = reply.reasoning;
  if (reply.toolCallsStarted > 0) {
    message.tool_calls = plan.toolCalls.slice(0, reply.toolCallsStarted).map((c, i) => ({
      id: c.id,
      type: 'function',
      function: { name: c.name, arguments: reply.toolArgs[i] ?? '' },
    }));
  }
  return {
    id: `chatcmpl-sim-${id}`,
    object: 'chat.completion',
    created,
    model: model.id,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices: [{ index: 0, message, logprobs: null, finish_reason: plan.finishReason }],
    usage,
    timings,
  };
}

/** A deterministic, plausible log-probability for a token in context (always < 0). */
function pseudoLogprob(seed: number, position: number, token: string): number {
  const h = mixSeed(seed, position, hashString(token));
  return -Math.round(((h % 5000) / 1000 + 0.001) * 1e4) / 1e4;
}

interface Logprobs {
  tokens: string[];
  token_logprobs: Array<number | null>;
  top_logprobs: Array<Record<string, number> | null>;
  text_offset: number[];
}

/** OpenAI legacy logprobs for the echoed prompt (when asked) and the generated text. */
function logprobsFor(seed: number, promptPieces: string[] | undefined, generated: string[]): Logprobs {
  const lp: Logprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
  let offset = 0;
  const add = (token: string, first: boolean) => {
    const position = lp.tokens.length;
    const value = first ? null : pseudoLogprob(seed, position, token);
    lp.tokens.push(token);
    lp.token_logprobs.push(value);
    // The token itself is always the top choice, so greedy checks (lm-eval's is_greedy) pass.
    lp.top_logprobs.push(value === null ? null : { [token]: value });
    lp.text_offset.push(offset);
    offset += token.length;
  };
  promptPieces?.forEach((t, i) => add(t, i === 0));
  generated.forEach((t) => add(t, false));
  return lp;
}

export function buildCompletionBody(
  id: number,
  created: number,
  model: ModelSpec,
  request: SimRequest,
  plans: ReplyPlan[],
  usage: Usage,
  timings: LlamaTimings,
): Record<string, unknown> {
  const choices = plans.map((plan, index) => {
    const prompt = request.prompts[index] as SimRequest['prompts'][number];
    const reply = collectReply(plan);
    const generated = reply.content;
    let logprobs: Logprobs | null = null;
    if (request.logprobs !== undefined) {
      // Echoed token-id prompts come back one piece per id, so counts line up with the caller's tokenizer.
      const promptPieces = request.echo ? (prompt.ids ? prompt.ids.map((t) => `<${t}>`) : splitTokens(prompt.text)) : undefined;
      logprobs = logprobsFor(plan.wordSeed, promptPieces, splitTokens(generated));
    }
    return {
      text: request.echo ? (prompt.ids ? prompt.ids.map((t) => `<${t}>`).join('') : prompt.text) + generated : generated,
      index,
      logprobs,
      finish_reason: plan.finishReason,
    };
  });
  return {
    id: `cmpl-sim-${id}`,
    object: 'text_completion',
    created,
    model: model.id,
    system_fingerprint: SYSTEM_FINGERPRINT,
    choices,
    usage,
    timings,
  };
}
