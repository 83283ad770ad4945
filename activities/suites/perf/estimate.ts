// How long a perf run will take, said before it starts (`nightshift run` prints it on stderr). A short
// streamed request, sent twice with the faster figures kept, measures the server's single-stream speed —
// decode tok/s from its token times, prefill tok/s from its timings (or TTFT) — the way the quality
// runner's decode probe budgets its scenarios; the plan (plan.ts) then gives every cell's requests. It
// informs only: nothing is scaled or cut to fit.
//
//   request ≈ prompt ÷ prefill + max_tokens ÷ decode
//   cell    ≈ (warm-up rounds + repeats) × ⌈concurrency ÷ slots⌉ × request   (closed loop)
//           ≥ measured requests ÷ request_rate + request                      (open loop)
//
// slots = the server's parallel slots when it says, else the concurrency (all decode at once). Decoding
// several requests at once is slower per stream than the probe's single stream, so this is a lower bound.
import { decodeTokensPerSecond, prefillTokensPerSecond } from '../../endpoint/request-record.js';
import type { OpenAIClient } from '../../endpoint/openai-client.js';
import type { ServerLimits } from '../../endpoint/server-limits.js';
import type { PerfConfig } from './config.js';
import { cellsOf, contextSkipReason, measuredRequests } from './plan.js';
import { probeWordCounts, promptMessages, seededRandom } from './prompt.js';

export interface ServerSpeed {
  decodeTokensPerSecond: number;
  prefillTokensPerSecond: number;
}

/** Words and generated tokens of the probe: long enough to time decode, short enough to cost seconds. */
const PROBE_WORDS = 128;
const PROBE_MAX_TOKENS = 32;
const PROBES = 2;

/** Two short streamed requests, the faster figures kept (the first may include loading the model, e.g.
 * behind llama-swap); undefined when the replies cannot give both speeds. Request failures throw. */
export async function probeSpeed(client: OpenAIClient, model: string, config: PerfConfig, signal?: AbortSignal): Promise<ServerSpeed | undefined> {
  const random = seededRandom(config.seed);
  let best: ServerSpeed | undefined;
  for (let i = 0; i < PROBES; i++) {
    const reply = await client.chatCompletion(
      {
        model,
        messages: promptMessages(PROBE_WORDS, random),
        max_tokens: PROBE_MAX_TOKENS,
        temperature: config.temperature,
        extra: { ...(config.ignore_eos ? { ignore_eos: true } : {}), ...config.extra_body },
      },
      { timeoutMs: config.request_timeout_s * 1000, ...(signal ? { signal } : {}) },
    );
    const decode = decodeTokensPerSecond(reply.record);
    const prefill = prefillTokensPerSecond(reply.record);
    if (decode === undefined || prefill === undefined) continue;
    best = { decodeTokensPerSecond: Math.max(decode, best?.decodeTokensPerSecond ?? 0), prefillTokensPerSecond: Math.max(prefill, best?.prefillTokensPerSecond ?? 0) };
  }
  return best;
}

export interface RunEstimate {
  seconds: number;
  cells: number;
  requests: number;
  skippedCells: number;
}

/** Seconds the run should take at `speed`, calibration probes and warm-up included. */
export function estimateRun(config: PerfConfig, speed: ServerSpeed, limits: ServerLimits): RunEstimate {
  const requestSeconds = (promptTokens: number): number => promptTokens / speed.prefillTokensPerSecond + config.max_tokens / speed.decodeTokensPerSecond;
  const run = cellsOf(config).filter((spec) => contextSkipReason(spec, config, limits) === undefined);
  let seconds = 0;
  let requests = 0;
  for (const spec of run) {
    const perRequest = requestSeconds(spec.promptTokens);
    const waves = Math.ceil(spec.concurrency / Math.min(spec.concurrency, limits.slots ?? spec.concurrency));
    const measured = measuredRequests(spec, config);
    const closedLoop = (config.warmup_rounds + config.repeats) * waves * perRequest;
    seconds += config.request_rate === undefined ? closedLoop : Math.max(closedLoop, config.warmup_rounds * waves * perRequest + measured / config.request_rate + perRequest);
    requests += measured + config.warmup_rounds * spec.concurrency;
  }
  if (config.calibrate_prompts && run.length > 0) {
    // Two probes of max_tokens 1, at up to ~1.5 tokens per word.
    const words = probeWordCounts(limits.contextTokens);
    seconds += words.reduce((s, w) => s + (w * 1.5) / speed.prefillTokensPerSecond, 0);
  }
  return { seconds, cells: run.length, requests, skippedCells: cellsOf(config).length - run.length };
}

/** "1 h 5 min", "3 min 20 s", "12 s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/** The line `nightshift run` prints before it starts. */
export function estimateLine(estimate: RunEstimate, speed: ServerSpeed): string {
  const skipped = estimate.skippedCells > 0 ? `, ${estimate.skippedCells} skipped` : '';
  return (
    `estimated duration: at least ${formatDuration(estimate.seconds)} for ${estimate.cells} cells${skipped} (${estimate.requests} requests), ` +
    `at the probe's single-stream speed: decode ${speed.decodeTokensPerSecond.toFixed(1)} tok/s, prefill ${speed.prefillTokensPerSecond.toFixed(0)} tok/s ` +
    `(concurrent requests decode slower per stream, so longer is likely)`
  );
}
