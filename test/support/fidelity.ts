// Nightshift's per-request figures next to llama.cpp's own `timings` for the very same requests: the
// load generator's client (activities/endpoint/openai-client.ts) sends streamed requests one at a time,
// and for each one the figures the perf suites publish (request-record.ts: TTFT, decode tok/s, prefill
// tok/s) are paired with what llama-server reports for that request (prompt_ms, prompt_per_second,
// predicted_per_second). The suites publish medians of exactly these per-request values.
import { createOpenAIClient } from '../../activities/endpoint/openai-client.js';
import { decodeTokensPerSecond, prefillTokensPerSecond, timeToFirstTokenMs } from '../../activities/endpoint/request-record.js';
import { promptMessages, seededRandom } from '../../activities/suites/perf/prompt.js';

export interface FidelitySample {
  /** Client: request written → first generated token. */
  ttftMs: number;
  /** Server: prompt processing of this request. */
  serverPromptMs: number;
  /** Client: (completion tokens − 1) ÷ (last token − first token). */
  decodeTps: number;
  /** Server: predicted_n ÷ predicted_ms. */
  serverDecodeTps: number;
  /** Published prefill (server timings where given) and the client-side alternative (prompt ÷ TTFT). */
  prefillTps: number;
  clientPrefillTps: number;
  /** Server: prompt_n ÷ prompt_ms. */
  serverPrefillTps: number;
  completionTokens: number;
  predictedN: number;
  promptTokens: number;
}

export interface FidelityOptions {
  requests: number;
  promptWords: number;
  maxTokens: number;
  seed?: number;
}

export async function measureFidelity(baseUrl: string, model: string, options: FidelityOptions): Promise<FidelitySample[]> {
  const client = createOpenAIClient({ baseUrl, connections: 1, requestTimeoutMs: 300_000 });
  const random = seededRandom(options.seed ?? 7);
  const samples: FidelitySample[] = [];
  try {
    for (let i = 0; i < options.requests; i++) {
      const result = await client.chatCompletion({
        model,
        messages: promptMessages(options.promptWords, random),
        max_tokens: options.maxTokens,
        temperature: 0,
        extra: { ignore_eos: true },
      });
      const t = result.timings ?? {};
      const record = result.record;
      const ttft = timeToFirstTokenMs(record);
      const decode = decodeTokensPerSecond(record);
      const prefill = prefillTokensPerSecond(record);
      const { prompt_ms: promptMs, predicted_per_second: serverDecode, prompt_per_second: serverPrefill, predicted_n: predictedN } = t;
      if (ttft === undefined || decode === undefined || prefill === undefined || promptMs === undefined || serverDecode === undefined || serverPrefill === undefined || predictedN === undefined) {
        throw new Error(`request ${i}: missing figures (client ttft ${ttft}, decode ${decode}; server timings ${JSON.stringify(t)})`);
      }
      samples.push({
        ttftMs: ttft,
        serverPromptMs: promptMs,
        decodeTps: decode,
        serverDecodeTps: serverDecode,
        prefillTps: prefill,
        clientPrefillTps: ((record.promptTokens ?? 0) * 1000) / ttft,
        serverPrefillTps: serverPrefill,
        completionTokens: record.completionTokens ?? 0,
        predictedN,
        promptTokens: record.promptTokens ?? 0,
      });
    }
  } finally {
    await client.close();
  }
  return samples;
}

/** Relative difference of a to b, in percent. */
export function percentOff(a: number, b: number): number {
  return ((a - b) / b) * 100;
}
