// Parsing and checking OpenAI request bodies into the few facts the simulator acts on. Unsupported
// features are refused with a 400 that says so, rather than silently answered wrongly.
import { isRecord } from '../../workflows/shared/records.js';
import { HttpError } from './http.js';
import { hashString } from './rng.js';
import { ASSISTANT_PRIMING_TOKENS, MESSAGE_OVERHEAD_TOKENS, countTokens } from './tokens.js';

export interface ToolSpec {
  name: string;
  parameters: Record<string, unknown> | undefined;
}

export interface SimRequest {
  kind: 'chat' | 'completion';
  model: string;
  stream: boolean;
  includeUsage: boolean;
  /** Token budget from max_tokens / max_completion_tokens; undefined = none. */
  maxTokens: number | undefined;
  promptTokens: number;
  /** Hash of the prompt (and the request's `seed`), seeding the generated text. */
  promptHash: number;
  /** Last user message (chat) or the prompt (completions): what scripts match by default. */
  lastUser: string;
  /** Builds the whole conversation's text on demand (scripts with on = "conversation"). */
  conversation: () => string;
  lastRole: string;
  tools: ToolSpec[];
  /** "auto" | "none" | "required" | a forced function name. */
  toolChoice: string;
  forcedTool: string | undefined;
  /** Stop sequences (cut scripted replies; pseudo-words never contain them). */
  stop: string[];
  /** ignore_eos (vLLM, llama-server): generate until max_tokens instead of the natural reply length. */
  ignoreEos: boolean;
  /** chat_template_kwargs.enable_thinking when given. */
  thinking: boolean | undefined;
  /** /v1/completions: number of top logprobs asked for (undefined = none), echo. */
  logprobs: number | undefined;
  echo: boolean;
  /** /v1/completions: token count and text of each prompt in a batch. */
  prompts: Array<{ tokens: number; text: string; ids: number[] | undefined }>;
}

function bad(message: string): never {
  throw new HttpError(400, message);
}

function optionalInt(body: Record<string, unknown>, key: string): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) bad(`"${key}" must be a non-negative integer, got ${JSON.stringify(v)}`);
  return v;
}

function checkCommon(body: Record<string, unknown>): {
  model: string;
  stream: boolean;
  includeUsage: boolean;
  maxTokens: number | undefined;
  stop: string[];
  ignoreEos: boolean;
} {
  const model = body.model;
  if (typeof model !== 'string' || model === '') bad('missing or invalid "model"');
  const n = body.n;
  if (n !== undefined && n !== null && n !== 1) bad('"n" other than 1 is not supported by the simulator');
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') bad('"stream" must be a boolean');
  const stream = body.stream === true;
  const so = body.stream_options as { include_usage?: unknown } | undefined | null;
  const includeUsage = stream && typeof so === 'object' && so !== null && so.include_usage === true;
  const maxTokens = optionalInt(body, 'max_completion_tokens') ?? optionalInt(body, 'max_tokens');
  const rawStop = body.stop;
  let stop: string[] = [];
  if (typeof rawStop === 'string') stop = [rawStop];
  else if (Array.isArray(rawStop) && rawStop.every((x) => typeof x === 'string')) stop = rawStop;
  else if (rawStop !== undefined && rawStop !== null) bad('"stop" must be a string or an array of strings');
  if (body.ignore_eos !== undefined && body.ignore_eos !== null && typeof body.ignore_eos !== 'boolean') bad('"ignore_eos" must be a boolean');
  return { model, stream, includeUsage, maxTokens, stop: stop.filter((x) => x !== ''), ignoreEos: body.ignore_eos === true };
}

/** Text of a message's content: a string, or the text parts of a content array. */
function contentText(content: unknown, where: string): string {
  if (content === undefined || content === null) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    let text = '';
    for (const part of content as unknown[]) {
      // A part that is not an object (null, a string …) has no type either.
      const fields = isRecord(part) ? part : {};
      if (fields.type === 'text' && typeof fields.text === 'string') text += (text ? '\n' : '') + fields.text;
      else bad(`${where}: only text content parts are supported by the simulator (got type ${JSON.stringify(fields.type)})`);
    }
    return text;
  }
  bad(`${where}: content must be a string or an array of text parts`);
}

export function parseChatRequest(body: Record<string, unknown>): SimRequest {
  const common = checkCommon(body);
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) bad('"messages" must be a non-empty array');
  if (body.logprobs === true) bad('"logprobs" on chat completions is not supported by the simulator');
  let promptTokens = ASSISTANT_PRIMING_TOKENS;
  let hash = 0x811c9dc5;
  let lastUser = '';
  let lastRole = '';
  const texts: string[] = [];
  messages.forEach((m: unknown, i: number) => {
    if (typeof m !== 'object' || m === null) bad(`messages[${i}] must be an object`);
    const msg = m as { role?: unknown; content?: unknown; tool_calls?: unknown };
    if (typeof msg.role !== 'string') bad(`messages[${i}].role must be a string`);
    let text = contentText(msg.content, `messages[${i}].content`);
    // Assistant tool calls in the history are prompt text too.
    if (msg.tool_calls !== undefined) text += JSON.stringify(msg.tool_calls);
    promptTokens += MESSAGE_OVERHEAD_TOKENS + countTokens(text);
    hash = hashString(text, hashString(msg.role, hash));
    texts.push(text);
    if (msg.role === 'user') lastUser = text;
    lastRole = msg.role;
  });
  const tools: ToolSpec[] = [];
  if (body.tools !== undefined && body.tools !== null) {
    if (!Array.isArray(body.tools)) bad('"tools" must be an array');
    (body.tools as unknown[]).forEach((t, i) => {
      const fn = (t as { type?: unknown; function?: { name?: unknown; parameters?: unknown } } | null)?.function;
      if ((t as { type?: unknown } | null)?.type !== 'function' || typeof fn?.name !== 'string') bad(`tools[${i}] must be {"type":"function","function":{"name":...}}`);
      tools.push({ name: fn.name, parameters: fn.parameters as Record<string, unknown> | undefined });
    });
    if (tools.length) {
      const toolText = JSON.stringify(body.tools);
      promptTokens += countTokens(toolText);
      hash = hashString(toolText, hash);
    }
  }
  let toolChoice = 'auto';
  let forcedTool: string | undefined;
  const tc = body.tool_choice;
  if (typeof tc === 'string') {
    if (!['auto', 'none', 'required'].includes(tc)) bad(`"tool_choice" must be "auto", "none", "required" or a function, got ${JSON.stringify(tc)}`);
    toolChoice = tc;
  } else if (tc && typeof tc === 'object') {
    const name = (tc as { function?: { name?: unknown } }).function?.name;
    if (typeof name !== 'string' || !tools.some((t) => t.name === name)) bad('"tool_choice" names a function that is not in "tools"');
    toolChoice = 'function';
    forcedTool = name;
  }
  const kwargs = body.chat_template_kwargs as { enable_thinking?: unknown } | undefined;
  const thinking = typeof kwargs?.enable_thinking === 'boolean' ? kwargs.enable_thinking : undefined;
  if (typeof body.seed === 'number') hash = hashString(String(body.seed), hash);
  return {
    kind: 'chat',
    ...common,
    promptTokens,
    promptHash: hash >>> 0,
    lastUser,
    conversation: () => texts.join('\n'),
    lastRole,
    tools,
    toolChoice,
    forcedTool,
    thinking,
    logprobs: undefined,
    echo: false,
    prompts: [],
  };
}

function isIntArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x));
}

export function parseCompletionRequest(body: Record<string, unknown>): SimRequest {
  const common = checkCommon(body);
  const p = body.prompt;
  let prompts: SimRequest['prompts'];
  // The four prompt shapes of the OpenAI API: text, a batch of texts, token ids, a batch of token ids.
  if (typeof p === 'string') prompts = [{ tokens: countTokens(p), text: p, ids: undefined }];
  else if (isIntArray(p) && p.length > 0) prompts = [{ tokens: p.length, text: p.join(' '), ids: p }];
  else if (Array.isArray(p) && p.length > 0 && p.every((x) => typeof x === 'string'))
    prompts = (p).map((text) => ({ tokens: countTokens(text), text, ids: undefined }));
  else if (Array.isArray(p) && p.length > 0 && p.every(isIntArray)) prompts = (p).map((ids) => ({ tokens: ids.length, text: ids.join(' '), ids }));
  else bad('"prompt" must be a string, an array of strings, an array of token ids or an array of such arrays');
  if (common.stream && prompts.length > 1) bad('streaming a batch of prompts is not supported by the simulator');
  if ((body.best_of ?? 1) !== 1) bad('"best_of" other than 1 is not supported by the simulator');
  if (body.suffix !== undefined && body.suffix !== null) bad('"suffix" is not supported by the simulator');
  let logprobs: number | undefined;
  if (body.logprobs !== undefined && body.logprobs !== null) {
    const lp = body.logprobs;
    if (typeof lp !== 'number' || !Number.isInteger(lp) || lp < 0 || lp > 5) bad('"logprobs" must be an integer from 0 to 5');
    if (common.stream) bad('"logprobs" with "stream" is not supported by the simulator');
    logprobs = lp;
  }
  const echo = body.echo === true;
  if (echo && common.stream) bad('"echo" with "stream" is not supported by the simulator');
  let hash = 0x811c9dc5;
  let promptTokens = 0;
  for (const pr of prompts) {
    hash = hashString(pr.text, hash);
    promptTokens += pr.tokens;
  }
  if (typeof body.seed === 'number') hash = hashString(String(body.seed), hash);
  const last = prompts[prompts.length - 1]?.text ?? '';
  return {
    kind: 'completion',
    ...common,
    promptTokens,
    promptHash: hash >>> 0,
    lastUser: last,
    conversation: () => prompts.map((x) => x.text).join('\n'),
    lastRole: 'user',
    tools: [],
    toolChoice: 'none',
    forcedTool: undefined,
    thinking: false,
    logprobs,
    echo,
    prompts,
  };
}
