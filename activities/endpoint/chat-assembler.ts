// Assembles an OpenAI chat completion from streamed chunks (or reads a whole non-streamed response).
// Pure logic, no I/O, so every server dialect we meet is a unit test:
// - usage and llama.cpp `timings` may come in any chunk, sometimes twice (vllm-mlx); the last one wins;
// - reasoning arrives as `reasoning_content` (llama.cpp, vLLM) or `reasoning` (mlx_lm.server, Ollama);
// - tool calls arrive as deltas keyed by `index`: id and name once, arguments in pieces.
import { isRecord } from '../../workflows/shared/records.js';

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens?: number;
  [key: string]: unknown;
}

/** llama.cpp's per-request timings (prompt_n, prompt_ms, predicted_n, predicted_ms, …), as sent. */
export type ServerTimings = Record<string, number>;

export interface AssembledChat {
  id?: string;
  model?: string;
  content: string;
  reasoning: string;
  toolCalls: ToolCall[];
  finishReason?: string;
  usage?: Usage;
  timings?: ServerTimings;
}

/** What one chunk contributed: whether it carried generated text, and whether that was visible content. */
export interface ChunkEffect {
  token: boolean;
  content: boolean;
}

// Shared, frozen results: addChunk runs once per token, so it allocates nothing to report its effect.
const NO_TOKEN: ChunkEffect = Object.freeze({ token: false, content: false });
const OTHER_TOKEN: ChunkEffect = Object.freeze({ token: true, content: false });
const CONTENT_TOKEN: ChunkEffect = Object.freeze({ token: true, content: true });

export class ChatAssembler {
  private id: string | undefined;
  private model: string | undefined;
  private content = '';
  private reasoning = '';
  private readonly tools: Array<{ id: string; name: string; arguments: string }> = [];
  private finishReason: string | undefined;
  private usage: Usage | undefined;
  private timings: ServerTimings | undefined;

  /** Folds one parsed `chat.completion.chunk` in. Throws a plain Error on a shape it cannot read. */
  addChunk(chunk: unknown): ChunkEffect {
    if (!isRecord(chunk)) throw new Error(`chunk is not a JSON object: ${preview(chunk)}`);
    this.readCommon(chunk);
    let token = false;
    let content = false;
    const choices = chunk.choices;
    if (choices !== undefined && !Array.isArray(choices)) throw new Error('chunk.choices is not an array');
    for (const choice of choices ?? []) {
      if (!isRecord(choice)) continue;
      if (typeof choice.finish_reason === 'string') this.finishReason = choice.finish_reason;
      const delta = choice.delta;
      if (!isRecord(delta)) continue;
      if (typeof delta.content === 'string' && delta.content.length > 0) {
        this.content += delta.content;
        token = content = true;
      }
      const reasoning = reasoningOf(delta);
      if (reasoning) {
        this.reasoning += reasoning;
        token = true;
      }
      if (Array.isArray(delta.tool_calls)) {
        for (const piece of delta.tool_calls) if (this.addToolDelta(piece)) token = true;
      }
    }
    return content ? CONTENT_TOKEN : token ? OTHER_TOKEN : NO_TOKEN;
  }

  /** Reads a whole non-streamed `chat.completion` response. */
  setResponse(body: unknown): void {
    if (!isRecord(body)) throw new Error(`response is not a JSON object: ${preview(body)}`);
    this.readCommon(body);
    const choice: unknown = Array.isArray(body.choices) ? body.choices[0] : undefined;
    if (!isRecord(choice)) throw new Error('response has no choices[0]');
    if (typeof choice.finish_reason === 'string') this.finishReason = choice.finish_reason;
    const message = choice.message;
    if (!isRecord(message)) throw new Error('response choices[0] has no message');
    if (typeof message.content === 'string') this.content = message.content;
    this.reasoning = reasoningOf(message) ?? '';
    if (Array.isArray(message.tool_calls)) {
      message.tool_calls.forEach((call, index) => {
        if (!isRecord(call)) return;
        this.addToolDelta({ ...call, index });
      });
    }
  }

  result(): AssembledChat {
    return {
      id: this.id,
      model: this.model,
      content: this.content,
      reasoning: this.reasoning,
      toolCalls: this.tools.filter(Boolean).map((t) => ({
        id: t.id,
        type: 'function' as const,
        function: { name: t.name, arguments: t.arguments },
      })),
      finishReason: this.finishReason,
      usage: this.usage,
      timings: this.timings,
    };
  }

  get sawFinish(): boolean {
    return this.finishReason !== undefined;
  }

  private readCommon(obj: Record<string, unknown>): void {
    if (typeof obj.id === 'string') this.id = obj.id;
    if (typeof obj.model === 'string') this.model = obj.model;
    const usage = obj.usage;
    if (isRecord(usage) && typeof usage.prompt_tokens === 'number' && typeof usage.completion_tokens === 'number') {
      this.usage = usage as Usage;
    }
    const timings = obj.timings;
    if (isRecord(timings)) {
      const numeric: ServerTimings = {};
      for (const [k, v] of Object.entries(timings)) if (typeof v === 'number') numeric[k] = v;
      this.timings = numeric;
    }
  }

  private addToolDelta(piece: unknown): boolean {
    if (!isRecord(piece)) return false;
    const index = typeof piece.index === 'number' ? piece.index : this.tools.length;
    const slot = (this.tools[index] ??= { id: '', name: '', arguments: '' });
    if (typeof piece.id === 'string' && piece.id) slot.id = piece.id;
    const fn = piece.function;
    let grew = false;
    if (isRecord(fn)) {
      if (typeof fn.name === 'string' && fn.name) {
        // Most servers send the name once; some repeat it in every delta (keep one copy); a name sent
        // in pieces is joined.
        if (slot.name !== fn.name) slot.name += fn.name;
        grew = true;
      }
      if (typeof fn.arguments === 'string' && fn.arguments) {
        slot.arguments += fn.arguments;
        grew = true;
      } else if (isRecord(fn.arguments)) {
        // Ollama's non-streamed responses give arguments as an object, not a JSON string.
        slot.arguments = JSON.stringify(fn.arguments);
        grew = true;
      }
    }
    return grew;
  }
}

function reasoningOf(obj: Record<string, unknown>): string | undefined {
  const r = typeof obj.reasoning_content === 'string' ? obj.reasoning_content : obj.reasoning;
  return typeof r === 'string' && r.length > 0 ? r : undefined;
}

function preview(x: unknown): string {
  // JSON.stringify gives undefined (whatever its type says) for undefined, functions and symbols.
  const s = (JSON.stringify(x) as string | undefined) ?? String(x);
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}
