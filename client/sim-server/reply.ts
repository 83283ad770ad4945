// What the simulated model says: a reply is a sequence of sections (reasoning, content, tool calls),
// each a run of tokens — either fixed text from a scripted answer or pseudo-words drawn from a seeded
// stream — walked token by token by a cursor. The streamed chunks, the non-streamed message and the
// usage counts all come from the same walk, so they can never disagree.
import type { FinishReason, ModelSpec, ScriptEntry } from './config.js';
import { hashString, mixSeed, Rng } from './rng.js';
import type { SimRequest, ToolSpec } from './request.js';
import { findScript } from './scripts.js';
import { splitTokens, VOCABULARY, VOCABULARY_JSON_BARE, VOCABULARY_JSON_SPACED } from './tokens.js';

export const KIND_REASONING = 0;
export const KIND_CONTENT = 1;
export const KIND_TOOL_HEADER = 2;
export const KIND_TOOL_ARGS = 3;

export interface PlannedToolCall {
  id: string;
  name: string;
  argumentPieces: string[];
}

interface Section {
  kind: number;
  /** Fixed pieces (scripted text, tags, tool arguments), or undefined for generated words. */
  pieces: string[] | undefined;
  /** Number of tokens (Infinity for a never-ending generated section). */
  length: number;
  toolIndex: number;
}

export interface ReplyPlan {
  sections: Section[];
  toolCalls: PlannedToolCall[];
  /** Tokens that will be sent (after the max_tokens cut). */
  tokens: number;
  finishReason: FinishReason;
  /** Seed of the generated words. */
  wordSeed: number;
  script: ScriptEntry | undefined;
}

/** Walks a plan one token at a time; fields are overwritten in place (no allocation per token). */
export class ReplyCursor {
  kind = KIND_CONTENT;
  toolIndex = 0;
  /** Raw text of the current piece. */
  raw = '';
  /** JSON string literal of the current piece. */
  json = '""';
  emitted = 0;
  private section = 0;
  private inSection = 0;
  private readonly rng: Rng;
  private atKindStart = true;

  constructor(private readonly plan: ReplyPlan) {
    this.rng = new Rng(plan.wordSeed);
  }

  /** Advances to the next token; false when the reply is complete. */
  next(): boolean {
    if (this.emitted >= this.plan.tokens) return false;
    let s = this.plan.sections[this.section];
    while (s && this.inSection >= s.length) {
      this.section++;
      this.inSection = 0;
      const prevKind = s.kind;
      s = this.plan.sections[this.section];
      this.atKindStart = this.atKindStart || !s || s.kind !== prevKind;
    }
    if (!s) return false;
    this.kind = s.kind;
    this.toolIndex = s.toolIndex;
    if (s.pieces) {
      this.raw = s.pieces[this.inSection] as string;
      this.json = JSON.stringify(this.raw);
      // Generated words right after a tag or a line break start bare ("<think>Word", not "<think> word").
      this.atKindStart = /[\s>]$/.test(this.raw);
    } else {
      const w = this.rng.int(VOCABULARY.length);
      if (this.atKindStart) {
        this.json = VOCABULARY_JSON_BARE[w] as string;
        this.raw = JSON.parse(this.json) as string;
        this.atKindStart = false;
      } else {
        this.json = VOCABULARY_JSON_SPACED[w] as string;
        this.raw = ' ' + (VOCABULARY[w] as string);
      }
    }
    this.inSection++;
    this.emitted++;
    return true;
  }
}

/** Values for a tool's declared parameters, so auto tool calls have plausible, schema-shaped arguments. */
function argumentsFor(tool: ToolSpec, rng: Rng): Record<string, unknown> {
  const props = (tool.parameters?.properties ?? {}) as Record<string, { type?: unknown; enum?: unknown[] }>;
  const required = Array.isArray(tool.parameters?.required) ? (tool.parameters.required as string[]) : Object.keys(props);
  const args: Record<string, unknown> = {};
  for (const key of required) {
    const p = props[key] ?? {};
    if (Array.isArray(p.enum) && p.enum.length) args[key] = p.enum[rng.int(p.enum.length)];
    else if (p.type === 'integer') args[key] = rng.int(100);
    else if (p.type === 'number') args[key] = rng.int(10000) / 100;
    else if (p.type === 'boolean') args[key] = rng.next() < 0.5;
    else if (p.type === 'array') args[key] = [];
    else if (p.type === 'object') args[key] = {};
    else args[key] = VOCABULARY[rng.int(VOCABULARY.length)];
  }
  return args;
}

function toolCallId(seed: number, i: number): string {
  return `call_sim${mixSeed(seed, i).toString(16).padStart(8, '0')}`;
}

function fixed(kind: number, text: string, toolIndex = 0): Section | undefined {
  const pieces = splitTokens(text);
  return pieces.length ? { kind, pieces, length: pieces.length, toolIndex } : undefined;
}

export interface PlanInputs {
  seed: number;
  model: ModelSpec;
  request: SimRequest;
  /** A fault made this stream never end. */
  neverEnding: boolean;
  /** Uniform draw deciding whether an offered tool gets called (tool_call_rate). */
  toolDraw: number;
}

export function planReply({ seed, model, request, neverEnding, toolDraw }: PlanInputs): ReplyPlan {
  const wordSeed = mixSeed(seed, hashString(model.id), request.promptHash);
  const sizeRng = new Rng(mixSeed(wordSeed, 0x51ed));
  const script = findScript(model.scripts, request.lastUser, request.conversation);
  const sections: Section[] = [];
  const toolCalls: PlannedToolCall[] = [];
  const thinking = request.kind === 'chat' && (request.thinking ?? model.reasoning.default_on);
  const tags = model.reasoning.field === 'think_tags';
  const reasoningKind = tags ? KIND_CONTENT : KIND_REASONING;

  const pushReasoning = (section: Section | undefined) => {
    if (!section) return;
    // The tags are one special token each, as in the chat templates of thinking models.
    if (tags) sections.push({ kind: KIND_CONTENT, pieces: ['<think>'], length: 1, toolIndex: 0 });
    section.kind = reasoningKind;
    sections.push(section);
    if (tags) sections.push({ kind: KIND_CONTENT, pieces: ['</think>\n\n'], length: 1, toolIndex: 0 });
  };

  let finishReason: FinishReason = 'stop';
  let stopped = false;
  if (script) {
    if (script.reasoning !== undefined && thinking) pushReasoning(fixed(KIND_REASONING, script.reasoning));
    if (script.reply !== undefined) {
      // A stop sequence in the scripted reply ends it there (the sequence itself is not sent).
      let reply = script.reply;
      for (const stop of request.stop) {
        const at = reply.indexOf(stop);
        if (at !== -1) {
          reply = reply.slice(0, at);
          stopped = true;
        }
      }
      const s = fixed(KIND_CONTENT, reply);
      if (s) sections.push(s);
    }
    script.tool_calls?.forEach((c, i) => {
      const args = typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments ?? {});
      toolCalls.push({ id: toolCallId(wordSeed, i), name: c.name, argumentPieces: splitTokens(args) });
    });
    finishReason = stopped ? 'stop' : (script.finish_reason ?? (script.tool_calls ? 'tool_calls' : 'stop'));
    if (stopped) toolCalls.length = 0;
  } else {
    if (model.reasoning.enabled && thinking) {
      const [lo, hi] = model.reasoning.tokens;
      const n = sizeRng.between(lo, hi);
      if (n > 0) pushReasoning({ kind: KIND_REASONING, pieces: undefined, length: n, toolIndex: 0 });
    }
    const offered = model.supports_tools && request.tools.length > 0 && request.toolChoice !== 'none' && request.lastRole !== 'tool';
    const callTool = offered && (request.toolChoice !== 'auto' || toolDraw < model.tool_call_rate);
    if (callTool) {
      const tool = request.forcedTool ? (request.tools.find((t) => t.name === request.forcedTool) as ToolSpec) : (request.tools[sizeRng.int(request.tools.length)] as ToolSpec);
      const args = JSON.stringify(argumentsFor(tool, sizeRng));
      toolCalls.push({ id: toolCallId(wordSeed, 0), name: tool.name, argumentPieces: splitTokens(args) });
      finishReason = 'tool_calls';
    } else {
      const [lo, hi] = model.reply_tokens;
      let n = sizeRng.between(lo, hi);
      // ignore_eos: the "EOS" never comes, so the reply runs to max_tokens (finish_reason "length").
      if (request.ignoreEos && request.maxTokens !== undefined) n = Math.max(n, request.maxTokens + 1);
      sections.push({ kind: KIND_CONTENT, pieces: undefined, length: neverEnding ? Infinity : n, toolIndex: 0 });
    }
  }
  toolCalls.forEach((c, i) => {
    // One token for the call's header (id and name), then the argument JSON token by token.
    sections.push({ kind: KIND_TOOL_HEADER, pieces: [''], length: 1, toolIndex: i });
    if (c.argumentPieces.length) sections.push({ kind: KIND_TOOL_ARGS, pieces: c.argumentPieces, length: c.argumentPieces.length, toolIndex: i });
  });
  if (neverEnding && !sections.some((s) => s.length === Infinity)) {
    sections.push({ kind: KIND_CONTENT, pieces: undefined, length: Infinity, toolIndex: 0 });
  }
  let tokens = sections.reduce((sum, s) => sum + s.length, 0);
  // A never-ending stream ignores max_tokens: that is the fault (a server that never stops).
  if (!neverEnding && request.maxTokens !== undefined && tokens > request.maxTokens) {
    tokens = request.maxTokens;
    finishReason = 'length';
  }
  return { sections, toolCalls, tokens, finishReason, wordSeed, script };
}

/** The whole reply at once (non-streamed responses). */
export function collectReply(plan: ReplyPlan): { content: string; reasoning: string; toolArgs: string[]; tokens: number; toolCallsStarted: number } {
  const cursor = new ReplyCursor(plan);
  let content = '';
  let reasoning = '';
  const toolArgs: string[] = plan.toolCalls.map(() => '');
  let toolCallsStarted = 0;
  while (cursor.next()) {
    if (cursor.kind === KIND_CONTENT) content += cursor.raw;
    else if (cursor.kind === KIND_REASONING) reasoning += cursor.raw;
    else if (cursor.kind === KIND_TOOL_HEADER) toolCallsStarted++;
    // toolArgs has an entry (initially '') for every planned tool call.
    else toolArgs[cursor.toolIndex] = (toolArgs[cursor.toolIndex] ?? '') + cursor.raw;
  }
  return { content, reasoning, toolArgs, tokens: cursor.emitted, toolCallsStarted };
}
