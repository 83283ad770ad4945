// The exact bytes of OpenAI-compatible responses. Streaming chunks are assembled from a per-request
// prefix and per-token fragments (plain string concatenation, no JSON.stringify per token), which keeps
// the simulator cheap enough to out-run the load generator it calibrates.
import type { FinishReason, ReasoningField } from './config.js';
import type { PlannedToolCall } from './reply.js';
import { KIND_CONTENT, KIND_REASONING, KIND_TOOL_HEADER, type ReplyCursor } from './reply.js';
import type { LlamaTimings } from './timing.js';

export const SYSTEM_FINGERPRINT = 'nightshift-sim';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export function usageOf(promptTokens: number, completionTokens: number): Usage {
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

/** `{"id":…,"object":…,"created":…,"model":…,"system_fingerprint":…` (no closing brace). */
export function chunkHead(id: string, object: string, created: number, model: string): string {
  return `{"id":"${id}","object":"${object}","created":${created},"model":${JSON.stringify(model)},"system_fingerprint":"${SYSTEM_FINGERPRINT}"`;
}

const CHAT_TOKEN_SUFFIX = '},"logprobs":null,"finish_reason":null}]}\n\n';
const TEXT_TOKEN_SUFFIX = ',"logprobs":null,"finish_reason":null}]}\n\n';
export const DONE = 'data: [DONE]\n\n';

/** Builds the SSE chunks of one streamed response. */
export class ChunkWriter {
  private readonly pre: string;
  private readonly reasoningKey: string;
  private first = true;

  constructor(
    private readonly head: string,
    private readonly chat: boolean,
    reasoningField: ReasoningField,
    private readonly toolCalls: PlannedToolCall[],
  ) {
    this.pre = chat ? `data: ${head},"choices":[{"index":0,"delta":{` : `data: ${head},"choices":[{"index":0,"text":`;
    this.reasoningKey = reasoningField === 'reasoning' ? '"reasoning":' : '"reasoning_content":';
  }

  /** The chunk carrying the cursor's current token. */
  token(c: ReplyCursor): string {
    if (!this.chat) return this.pre + c.json + TEXT_TOKEN_SUFFIX;
    let delta: string;
    if (c.kind === KIND_CONTENT) delta = '"content":' + c.json;
    else if (c.kind === KIND_REASONING) delta = this.reasoningKey + c.json;
    else if (c.kind === KIND_TOOL_HEADER) {
      const call = this.toolCalls[c.toolIndex] as PlannedToolCall;
      delta = `"tool_calls":[{"index":${c.toolIndex},"id":"${call.id}","type":"function","function":{"name":${JSON.stringify(call.name)},"arguments":""}}]`;
    } else delta = `"tool_calls":[{"index":${c.toolIndex},"function":{"arguments":${c.json}}}]`;
    if (this.first) {
      this.first = false;
      delta = (c.kind === KIND_TOOL_HEADER ? '"role":"assistant","content":null,' : '"role":"assistant",') + delta;
    }
    return this.pre + delta + CHAT_TOKEN_SUFFIX;
  }

  /**
   * The end of the stream: the chunk with finish_reason, the usage chunk when asked for, [DONE].
   * Like llama-server, `timings` ride on the last chunk; `usageTwice` mimics vllm-mlx, which also puts
   * usage on the finish chunk.
   */
  finish(reason: FinishReason, usage: Usage, timings: LlamaTimings, includeUsage: boolean, usageTwice: boolean): string {
    const u = JSON.stringify(usage);
    const t = JSON.stringify(timings);
    let out = this.chat
      ? `${this.pre}},"logprobs":null,"finish_reason":"${reason}"}]`
      : `${this.pre}"","logprobs":null,"finish_reason":"${reason}"}]`;
    if (usageTwice) out += `,"usage":${u}`;
    out += includeUsage ? '}\n\n' : `,"timings":${t}}\n\n`;
    if (includeUsage) out += `data: ${this.head},"choices":[],"usage":${u},"timings":${t}}\n\n`;
    return out + DONE;
  }
}
