// Builds the chat-completions request for one scenario: pack sampling defaults, then the scenario's
// overrides, then thinking on/off, then the run's own sampling choices. Temperature 0 (the packs'
// default) is canonical; any run-level sampling override or server-side sampling marks the run
// non-canonical in the saved result.
import type { Pack, PackMeta, Scenario } from './pack-types.js';

/** How thinking is switched: the chat template's enable_thinking (Qwen3, GLM …) or reasoning_effort (gpt-oss). */
export type ThinkingControl = 'enable_thinking' | 'reasoning_effort';

export interface SamplingChoices {
  /** undefined = each pack's default_thinking; true/false forces every pack. */
  thinking?: boolean;
  thinkingControl: ThinkingControl;
  /** max_tokens while thinking is on (reasoning needs room). */
  thinkingMaxTokens: number;
  /** Run-level overrides (--temperature/--top-p/--top-k); any entry makes the run non-canonical. */
  overrides: Record<string, number>;
  /** --sampling-from-server: send no sampling parameters at all, the server's defaults apply. */
  fromServer: boolean;
}

/** Sampling keys removed under --sampling-from-server (max_tokens and the thinking switch stay). */
export const SAMPLING_KEYS = new Set([
  'temperature', 'top_p', 'top_k', 'min_p', 'repeat_penalty', 'presence_penalty', 'frequency_penalty', 'typical_p', 'seed',
]);

export function packThinkingDefault(meta: PackMeta): boolean {
  const v = meta.default_thinking;
  if (typeof v === 'boolean') return v;
  return typeof v === 'string' && /^(on|true)$/i.test(v.trim());
}

export function thinkingFor(meta: PackMeta, choices: SamplingChoices): boolean {
  return choices.thinking ?? packThinkingDefault(meta);
}

/** The reference date line BenchLocal's ToolCall prompts rely on ("next Monday"), from the scenario or the pack's clock. */
export function referenceDateLine(scenario: Scenario, meta: PackMeta): string | undefined {
  const clock = (typeof meta.clock === 'object' && meta.clock !== null ? meta.clock : {}) as Record<string, unknown>;
  const date = scenario.benchmark_reference_date ?? (typeof clock.reference_date === 'string' ? clock.reference_date : undefined);
  const day = scenario.benchmark_reference_day ?? (typeof clock.reference_day === 'string' ? clock.reference_day : undefined);
  if (date && day) return `Benchmark reference date: ${date} (${day}).`;
  if (date) return `Benchmark reference date: ${date}.`;
  if (day) return `Benchmark reference day: ${day}.`;
  return undefined;
}

function messagesWithClock(scenario: Scenario, meta: PackMeta): Array<Record<string, unknown>> {
  const messages = scenario.messages.map((m) => ({ ...m }));
  const line = referenceDateLine(scenario, meta);
  if (!line) return messages;
  const system = messages.find((m) => m.role === 'system');
  if (!system) return [{ role: 'system', content: line }, ...messages];
  const content = typeof system.content === 'string' ? system.content : '';
  if (!content.includes(line)) system.content = content ? `${content.trimEnd()}\n\n${line}` : line;
  return messages;
}

/** The full JSON request body for a scenario (what is sent and what the saved result shows). */
export function buildRequest(pack: Pack, scenario: Scenario, model: string, choices: SamplingChoices): Record<string, unknown> {
  const thinking = thinkingFor(pack.meta, choices);
  let sampling: Record<string, unknown> = { ...(pack.meta.sampling_defaults ?? {}) };
  Object.assign(sampling, scenario.sampling_overrides ?? {});
  if (choices.thinkingControl === 'enable_thinking') {
    const kwargs = (typeof sampling.chat_template_kwargs === 'object' && sampling.chat_template_kwargs) || {};
    sampling.chat_template_kwargs = { ...kwargs, enable_thinking: thinking };
  } else {
    sampling.reasoning_effort = thinking ? 'high' : 'low';
  }
  if (thinking) {
    if (pack.meta.thinking_sampler && !choices.fromServer) Object.assign(sampling, pack.meta.thinking_sampler);
    sampling.max_tokens = choices.thinkingMaxTokens;
  }
  Object.assign(sampling, choices.overrides);
  if (choices.fromServer) sampling = Object.fromEntries(Object.entries(sampling).filter(([k]) => !SAMPLING_KEYS.has(k)));
  const request: Record<string, unknown> = { model, messages: messagesWithClock(scenario, pack.meta), ...sampling };
  if (scenario.tools && scenario.tools.length > 0) request.tools = scenario.tools;
  return request;
}
