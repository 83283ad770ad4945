// The shared body of the throughput and ttft suites: read what the server says about its limits (slots,
// context per request), skip the cells that cannot fit, calibrate prompt lengths, then run every other
// cell (prompt length × concurrency) in order, journaling each finished cell so a retried activity skips
// it and rebuilds its results from the journal. Progress counts measured requests; the checkpoint names
// the last finished cell. Cancellation aborts every in-flight request at once. How the run ends when
// requests fail is suite-failure.ts.
import { setMaxListeners } from 'node:events';
import { createOpenAIClient, type OpenAIClient } from '../../endpoint/openai-client.js';
import { EndpointError } from '../../endpoint/errors.js';
import { readServerLimits, type ServerLimits } from '../../endpoint/server-limits.js';
import type { EnvelopeResult } from '../../../workflows/shared/envelope.js';
import type { SuiteContext, SuiteOutcome } from '../types.js';
import type { PerfConfig, PerfSuiteName } from './config.js';
import { runCell, skippedCell, type CellSummary } from './cell.js';
import { cellKey, cellsOf, contextSkipReason, measuredRequests, slotsWarning } from './plan.js';
import { calibratePrompts, GUESSED_CALIBRATION, type PromptCalibration } from './prompt.js';
import { cellErrors, cellResults } from './results.js';
import { incompleteness, rejectedAsInvalid, throwIfNothingMeasured } from './suite-failure.js';

export { cellsOf } from './plan.js';

const JOURNAL_PREFIX = 'cell:';
/** The prompt calibration of the run, journaled like a cell. */
const CALIBRATION_KEY = 'calibration';

/** The runner of both native perf suites (catalog.ts): `throughput` and `ttft` differ only in config and results. */
export async function runPerfSuite(context: SuiteContext<PerfConfig>): Promise<SuiteOutcome> {
  const { config } = context;
  const suite = context.suite as PerfSuiteName;
  const cells = cellsOf(config);
  const perCell = (c: (typeof cells)[number]): number => measuredRequests(c, config);
  const total = cells.reduce((n, c) => n + perCell(c), 0);
  const summaries = new Map<string, CellSummary>();
  for (const { key, value } of context.journal.entries()) {
    if (key.startsWith(JOURNAL_PREFIX)) summaries.set(key.slice(JOURNAL_PREFIX.length), value as CellSummary);
  }
  let completed = cells.filter((c) => summaries.has(cellKey(c))).reduce((n, c) => n + perCell(c), 0);
  let checkpoint = [...summaries.keys()].at(-1);
  context.onProgress({ completed, total, ...(checkpoint ? { checkpoint } : {}), detail: completed ? `resumed: ${summaries.size} of ${cells.length} cells done` : 'starting' });

  const errors: string[] = [];
  // Every in-flight request listens for cancellation; one internal signal (no listener limit) follows
  // the caller's, so 64 concurrent requests do not trip Node's leak warning on the caller's signal.
  const cancel = new AbortController();
  setMaxListeners(0, cancel.signal);
  const follow = (): void => cancel.abort(context.signal.reason);
  if (context.signal.aborted) follow();
  else context.signal.addEventListener('abort', follow, { once: true });
  const signal = cancel.signal;
  try {
    const waiting = cells.filter((c) => !summaries.has(cellKey(c)));
    if (waiting.length > 0) {
      // Read once, before anything is measured; a server that tells nothing leaves every limit unknown.
      const limits: ServerLimits = await readServerLimits(context.endpoint, context.model, { signal, timeoutMs: config.connect_timeout_s * 1000 });
      const warning = slotsWarning(config, limits);
      if (warning) errors.push(warning);
      // Skipped cells are decided again on every attempt (the server may have been given more context
      // since), so they are never journaled.
      const skipped = new Map<string, CellSummary>();
      for (const spec of waiting) {
        const reason = contextSkipReason(spec, config, limits);
        if (reason !== undefined) skipped.set(cellKey(spec), skippedCell(spec, config, reason));
      }
      for (const [key, summary] of skipped) {
        summaries.set(key, summary);
        // Progress counts a skipped cell's requests as done: nothing more will happen to them.
        completed += summary.requests;
        context.onProgress({ completed, total, ...(checkpoint ? { checkpoint } : {}), detail: `p${summary.prompt_tokens} c${summary.concurrency} skipped` });
      }
      const pending = waiting.filter((c) => !skipped.has(cellKey(c)));
      if (pending.length > 0) {
        const client = createOpenAIClient({
          baseUrl: context.endpoint,
          // Warm-up and measurement both run at most max(concurrency) requests at once.
          connections: Math.max(...config.concurrency),
          connectTimeoutMs: config.connect_timeout_s * 1000,
          requestTimeoutMs: config.request_timeout_s * 1000,
        });
        try {
          // Calibrated once per run: a retried attempt reuses the journaled line instead of asking again.
          const calibration = config.calibrate_prompts
            ? await journaled(context.journal, CALIBRATION_KEY, () => calibrate(client, context.model, signal, config, errors, limits))
            : GUESSED_CALIBRATION;
          if (calibration.estimated && config.calibrate_prompts && !errors.some((e) => e.startsWith(ESTIMATED_WARNING))) errors.push(ESTIMATED_WARNING);
          for (const spec of pending) {
            const key = cellKey(spec);
            const before = completed;
            const label = `p${spec.promptTokens} c${spec.concurrency}`;
            const summary = await runCell({
              client,
              model: context.model,
              config,
              calibration,
              spec,
              signal,
              ...(limits.slots !== undefined ? { serverSlots: limits.slots } : {}),
              onPhase: (phase) => context.onProgress({ completed, total, ...(checkpoint ? { checkpoint } : {}), detail: `${label} ${phase}` }),
              onRequestDone: (done) => {
                completed = before + done;
                context.onProgress({ completed, total, ...(checkpoint ? { checkpoint } : {}), detail: `${label} ${done}/${perCell(spec)}` });
              },
            });
            await context.journal.append(`${JOURNAL_PREFIX}${key}`, summary);
            summaries.set(key, summary);
            checkpoint = key;
            context.onProgress({ completed, total, checkpoint, detail: `${label} done` });
          }
        } finally {
          await client.close();
        }
      }
    }
  } catch (error) {
    if (signal.aborted) throw new EndpointError('aborted', `${suite} suite cancelled after ${completed} of ${total} requests`, { cause: error });
    throw error;
  } finally {
    context.signal.removeEventListener('abort', follow);
  }

  const ordered = cells.map((spec) => {
    const summary = summaries.get(cellKey(spec));
    // Every cell was resumed from the journal, skipped or run above (a failed run throws).
    if (!summary) throw new Error(`perf suite: no summary for cell ${cellKey(spec)}`);
    return summary;
  });
  throwIfNothingMeasured(suite, ordered);
  const results: EnvelopeResult[] = [];
  for (const summary of ordered) {
    results.push(...cellResults(suite, summary));
    errors.push(...cellErrors(suite, summary));
  }
  return {
    results,
    genKwargs: { max_gen_toks: config.max_tokens, temperature: config.temperature },
    errors,
    ...incompleteness(ordered),
  };
}

async function calibrate(
  client: OpenAIClient,
  model: string,
  signal: AbortSignal,
  config: PerfConfig,
  errors: string[],
  limits: ServerLimits,
): Promise<PromptCalibration> {
  if (!config.calibrate_prompts) return GUESSED_CALIBRATION;
  let calibration: PromptCalibration;
  try {
    calibration = await calibratePrompts(client, model, {
      signal,
      timeoutMs: config.request_timeout_s * 1000,
      extra: config.extra_body,
      ...(limits.contextTokens !== undefined ? { contextTokens: limits.contextTokens } : {}),
    });
  } catch (error) {
    throw rejectedAsInvalid(error, 'prompt-calibration request');
  }
  return calibration;
}

const ESTIMATED_WARNING = 'the server reported no token usage: prompt lengths are estimates (about 1.3 tokens per word), not the server\'s counts';

/** The journaled value of `key`, or `make()`'s, journaled before it is returned. */
async function journaled<T>(journal: SuiteContext['journal'], key: string, make: () => Promise<T>): Promise<T> {
  if (journal.has(key)) return journal.get(key) as T;
  const value = await make();
  await journal.append(key, value);
  return value;
}
