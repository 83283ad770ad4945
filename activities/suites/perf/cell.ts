// One measurement cell: a prompt length at a concurrency level. Runs the cell's warm-up and measured
// requests on the schedule, folds every finished request into histograms as it ends, and condenses the
// cell into a small JSON summary — the unit the journal stores, so a resumed run rebuilds identical
// results without re-measuring.
import { performance } from 'node:perf_hooks';
import type { ChatCompletionRequest, OpenAIClient } from '../../endpoint/openai-client.js';
import { EndpointError } from '../../endpoint/errors.js';
import {
  decodeTokensPerSecond,
  endToEndMs,
  prefillTokensPerSecond,
  scheduleLagMs,
  timeToFirstTokenMs,
  type RequestRecord,
} from '../../endpoint/request-record.js';
import type { PerfConfig } from './config.js';
import { promptMessages, seededRandom, wordsForTokens, type PromptCalibration } from './prompt.js';
import { runSchedule } from './schedule.js';
import { Distribution, type DistributionSummary } from './statistics.js';

export interface CellSpec {
  promptTokens: number;
  concurrency: number;
}

export function cellKey(spec: CellSpec): string {
  return `p${spec.promptTokens}_c${spec.concurrency}`;
}

export interface CellSummary {
  key: string;
  prompt_tokens: number;
  concurrency: number;
  max_tokens: number;
  requests: number;
  succeeded: number;
  /** Failed requests per error class, and one server message per class. */
  failures: Record<string, { count: number; example: string }>;
  /** Seconds from the first measured send to the last measured reply. */
  wall_seconds: number;
  prompt_tokens_mean?: number;
  completion_tokens_total: number;
  prompt_tokens_total: number;
  tokens_estimated: boolean;
  ttft_ms?: DistributionSummary;
  /** Time to the response headers: the server's request handling plus the network, before any token. */
  ttfb_ms?: DistributionSummary;
  e2e_ms?: DistributionSummary;
  itl_ms?: DistributionSummary;
  schedule_lag_ms?: DistributionSummary;
  decode_tok_per_sec?: DistributionSummary;
  prefill_tok_per_sec?: DistributionSummary;
  /** Completion tokens of all measured requests ÷ wall time: the server's aggregate output rate. */
  output_tok_per_sec?: number;
  /** Prompt + completion tokens ÷ wall time. */
  total_tok_per_sec?: number;
}

export interface CellRun {
  client: OpenAIClient;
  model: string;
  config: PerfConfig;
  calibration: PromptCalibration;
  spec: CellSpec;
  signal: AbortSignal;
  /** Called after each measured request ends (success or failure). */
  onRequestDone: (measuredDone: number) => void;
  onPhase?: (phase: 'warm-up' | 'measure') => void;
}

/** Errors that end the whole suite rather than counting as one failed request. */
function isFatal(error: unknown): boolean {
  return error instanceof EndpointError && (error.errorClass === 'model_endpoint_unreachable' || error.errorClass === 'aborted');
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new EndpointError('aborted', 'cell cancelled before it finished');
}

export async function runCell(run: CellRun): Promise<CellSummary> {
  const { client, model, config, spec, signal } = run;
  const wordCount = wordsForTokens(spec.promptTokens, run.calibration);
  const random = seededRandom(config.seed + spec.promptTokens * 7919 + spec.concurrency);
  const timeoutMs = config.request_timeout_s * 1000;
  const request = (messages = promptMessages(wordCount, random)): ChatCompletionRequest => ({
    model,
    messages,
    max_tokens: config.max_tokens,
    temperature: config.temperature,
    extra: { ...(config.ignore_eos ? { ignore_eos: true } : {}), ...config.extra_body },
  });

  // Warm-up: whole rounds at the cell's concurrency, results discarded; failures here still count as
  // fatal only when the endpoint is gone.
  run.onPhase?.('warm-up');
  for (let round = 0; round < config.warmup_rounds; round++) {
    await runSchedule({ count: spec.concurrency, concurrency: spec.concurrency, signal }, async () => {
      try {
        await client.chatCompletion(request(), { signal, timeoutMs });
      } catch (error) {
        if (isFatal(error)) throw error;
      }
    });
  }

  throwIfAborted(signal);
  run.onPhase?.('measure');
  const count = spec.concurrency * config.repeats;
  // Measured prompts are built before the clock starts, so building them never shows up as schedule lag.
  const prompts = Array.from({ length: count }, () => promptMessages(wordCount, random));
  const d = {
    ttft: new Distribution(),
    ttfb: new Distribution(),
    e2e: new Distribution(),
    itl: new Distribution(),
    lag: new Distribution(),
    decode: new Distribution(),
    prefill: new Distribution(),
  };
  const recordGap = (gap: number): void => d.itl.record(gap);
  const failures: CellSummary['failures'] = {};
  let succeeded = 0;
  let done = 0;
  let promptTotal = 0;
  let completionTotal = 0;
  let estimated = false;
  let firstSend = Number.POSITIVE_INFINITY;
  let lastEnd = 0;

  const fold = (rec: RequestRecord): void => {
    firstSend = Math.min(firstSend, rec.sentAt);
    lastEnd = Math.max(lastEnd, rec.endAt);
    d.lag.record(scheduleLagMs(rec));
  };

  const started = performance.now();
  await runSchedule(
    { count, concurrency: spec.concurrency, rate: config.request_rate, arrival: config.arrival, seed: config.seed, signal },
    async (index, intendedAt) => {
      try {
        const reply = await client.chatCompletion(request(prompts[index]), { signal, timeoutMs, intendedSendAt: intendedAt, onTokenGap: recordGap });
        const rec = reply.record;
        fold(rec);
        succeeded++;
        estimated ||= rec.tokensEstimated;
        promptTotal += rec.promptTokens ?? 0;
        completionTotal += rec.completionTokens ?? 0;
        const ttft = timeToFirstTokenMs(rec);
        if (ttft !== undefined) d.ttft.record(ttft);
        if (rec.firstByteAt !== undefined) d.ttfb.record(rec.firstByteAt - rec.sentAt);
        d.e2e.record(endToEndMs(rec));
        const decode = decodeTokensPerSecond(rec);
        if (decode !== undefined) d.decode.record(decode);
        const prefill = prefillTokensPerSecond(rec);
        if (prefill !== undefined) d.prefill.record(prefill);
      } catch (error) {
        if (isFatal(error)) throw error;
        const e = error instanceof EndpointError ? error : undefined;
        if (e?.record) fold(e.record);
        const cls = e?.errorClass ?? 'unexpected';
        const slot = (failures[cls] ??= { count: 0, example: (error as Error).message });
        slot.count++;
      } finally {
        done++;
        run.onRequestDone(done);
      }
    },
  );

  // The schedule stops sending once aborted; a cut-short cell must never be journaled as finished.
  throwIfAborted(signal);
  const wallMs = lastEnd > firstSend ? lastEnd - firstSend : performance.now() - started;
  const wallSeconds = wallMs / 1000;
  return {
    key: cellKey(spec),
    prompt_tokens: spec.promptTokens,
    concurrency: spec.concurrency,
    max_tokens: config.max_tokens,
    requests: count,
    succeeded,
    failures,
    wall_seconds: wallSeconds,
    ...(succeeded > 0 ? { prompt_tokens_mean: promptTotal / succeeded } : {}),
    prompt_tokens_total: promptTotal,
    completion_tokens_total: completionTotal,
    tokens_estimated: estimated,
    ttft_ms: d.ttft.summary(),
    ttfb_ms: d.ttfb.summary(),
    e2e_ms: d.e2e.summary(),
    itl_ms: d.itl.summary(),
    schedule_lag_ms: d.lag.summary(),
    decode_tok_per_sec: d.decode.summary(),
    prefill_tok_per_sec: d.prefill.summary(),
    ...(succeeded > 0 && wallSeconds > 0
      ? { output_tok_per_sec: completionTotal / wallSeconds, total_tok_per_sec: (promptTotal + completionTotal) / wallSeconds }
      : {}),
  };
}
