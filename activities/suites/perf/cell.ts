// One measurement cell: a prompt length at a concurrency level. Runs the cell's warm-up and measured
// requests on the schedule, folds every finished request into distributions as it ends, and condenses the
// cell into a small JSON summary — the unit the journal stores, so a resumed run rebuilds identical
// results without re-measuring.
import { performance } from 'node:perf_hooks';
import type { ChatCompletionRequest, OpenAIClient } from '../../endpoint/openai-client.js';
import { EndpointError } from '../../endpoint/errors.js';
import {
  decodeTokensPerSecond,
  endToEndMs,
  interTokenLatencyMs,
  prefillFromServer,
  prefillTokensPerSecond,
  queueMs,
  scheduleLagMs,
  timeToFirstTokenMs,
  type RequestRecord,
} from '../../endpoint/request-record.js';
import type { PerfConfig } from './config.js';
import { EventLoopLag } from './event-loop-lag.js';
import { cellKey, measuredRequests, type CellSpec } from './plan.js';
import { promptMessages, seededRandom, wordsForTokens, type PromptCalibration } from './prompt.js';
import { runSchedule } from './schedule.js';
import { Distribution, type DistributionSummary } from './statistics.js';

export { cellKey, type CellSpec } from './plan.js';

/** Failed requests of one error class: how many, and the first one's message and server message. */
export interface CellFailure {
  count: number;
  example: string;
  status?: number;
  server_message?: string;
}

export interface CellSummary {
  key: string;
  prompt_tokens: number;
  concurrency: number;
  max_tokens: number;
  /** Measured requests planned for the cell (sent, unless it was skipped). */
  requests: number;
  succeeded: number;
  /** Failed requests per error class. */
  failures: Record<string, CellFailure>;
  /** Set when the cell was not sent at all: why (e.g. it cannot fit the server's context). */
  skipped?: string;
  /** Seconds from the first measured send to the last measured reply. */
  wall_seconds: number;
  prompt_tokens_mean?: number;
  completion_tokens_total: number;
  prompt_tokens_total: number;
  tokens_estimated: boolean;
  /** Requests sent again on a new connection after their first one failed before any response byte. */
  connection_retries?: number;
  /** The server's parallel slots, when it said (llama.cpp /props). */
  server_slots?: number;
  ttft_ms?: DistributionSummary;
  /** Time to the response headers: the server's request handling plus the network, before any token. */
  ttfb_ms?: DistributionSummary;
  e2e_ms?: DistributionSummary;
  /** Per request: (last token time − first token time) ÷ (completion tokens − 1). */
  itl_ms?: DistributionSummary;
  /** Gaps between consecutive token-carrying network reads, of every request. */
  chunk_gap_ms?: DistributionSummary;
  /** Per request: client TTFT − the server's prompt_ms, at least 0 (servers that send timings). */
  queue_ms?: DistributionSummary;
  schedule_lag_ms?: DistributionSummary;
  /** The client's event-loop lag while the cell was measured. */
  event_loop_lag_ms?: DistributionSummary;
  decode_tok_per_sec?: DistributionSummary;
  prefill_tok_per_sec?: DistributionSummary;
  /** Where the prefill rates came from: the server's timings, the client's TTFT, or some of each. */
  prefill_source?: 'server_timings' | 'client_ttft' | 'mixed';
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
  /** The server's parallel slots, when known (recorded in the summary). */
  serverSlots?: number;
  /** Called after each measured request ends (success or failure). */
  onRequestDone: (measuredDone: number) => void;
  onPhase?: (phase: 'warm-up' | 'measure') => void;
}

/** The summary of a cell that was not sent, with the reason. */
export function skippedCell(spec: CellSpec, config: PerfConfig, reason: string): CellSummary {
  return {
    key: cellKey(spec),
    prompt_tokens: spec.promptTokens,
    concurrency: spec.concurrency,
    max_tokens: config.max_tokens,
    requests: measuredRequests(spec, config),
    succeeded: 0,
    failures: {},
    skipped: reason,
    wall_seconds: 0,
    completion_tokens_total: 0,
    prompt_tokens_total: 0,
    tokens_estimated: false,
  };
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
  const count = measuredRequests(spec, config);
  // Measured prompts are built before the clock starts, so building them never shows up as schedule lag.
  const prompts = Array.from({ length: count }, () => promptMessages(wordCount, random));
  const d = {
    ttft: new Distribution(),
    ttfb: new Distribution(),
    e2e: new Distribution(),
    itl: new Distribution(),
    chunkGap: new Distribution(),
    queue: new Distribution(),
    lag: new Distribution(),
    decode: new Distribution(),
    prefill: new Distribution(),
  };
  const recordGap = (gap: number): void => d.chunkGap.record(gap);
  let retries = 0;
  let prefillFromTimings = 0;
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
    retries += rec.connectionRetries;
    d.lag.record(scheduleLagMs(rec));
  };

  const loopLag = new EventLoopLag();
  let eventLoopLag: DistributionSummary | undefined;
  loopLag.start();
  const started = performance.now();
  try {
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
          const itl = interTokenLatencyMs(rec);
          if (itl !== undefined) d.itl.record(itl);
          const decode = decodeTokensPerSecond(rec);
          if (decode !== undefined) d.decode.record(decode);
          const prefill = prefillTokensPerSecond(rec);
          if (prefill !== undefined) {
            d.prefill.record(prefill);
            if (prefillFromServer(rec)) prefillFromTimings++;
          }
          const queue = queueMs(rec);
          if (queue !== undefined) d.queue.record(queue);
        } catch (error) {
          if (isFatal(error)) throw error;
          const e = error instanceof EndpointError ? error : undefined;
          if (e?.record) fold(e.record);
          const cls = e?.errorClass ?? 'unexpected';
          const slot = (failures[cls] ??= {
            count: 0,
            example: (error as Error).message,
            ...(e?.status !== undefined ? { status: e.status } : {}),
            ...(e?.serverMessage ? { server_message: e.serverMessage } : {}),
          });
          slot.count++;
        } finally {
          done++;
          run.onRequestDone(done);
        }
      },
    );
  } finally {
    eventLoopLag = loopLag.stop();
  }

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
    connection_retries: retries,
    ...(run.serverSlots !== undefined ? { server_slots: run.serverSlots } : {}),
    // A cell without a single reply has no figures, not figures of its failures (e.g. their schedule lag).
    ...(succeeded > 0
      ? {
          ttft_ms: d.ttft.summary(),
          ttfb_ms: d.ttfb.summary(),
          e2e_ms: d.e2e.summary(),
          itl_ms: d.itl.summary(),
          chunk_gap_ms: d.chunkGap.summary(),
          queue_ms: d.queue.summary(),
          schedule_lag_ms: d.lag.summary(),
          event_loop_lag_ms: eventLoopLag,
          decode_tok_per_sec: d.decode.summary(),
          prefill_tok_per_sec: d.prefill.summary(),
          ...prefillSource(prefillFromTimings, d.prefill.count),
          ...(wallSeconds > 0 ? { output_tok_per_sec: completionTotal / wallSeconds, total_tok_per_sec: (promptTotal + completionTotal) / wallSeconds } : {}),
        }
      : {}),
  };
}

function prefillSource(fromServer: number, total: number): Pick<CellSummary, 'prefill_source'> {
  if (total === 0) return {};
  if (fromServer === total) return { prefill_source: 'server_timings' };
  return { prefill_source: fromServer === 0 ? 'client_ttft' : 'mixed' };
}
