// The shared body of the throughput and ttft suites: calibrate prompt lengths, then run every cell
// (prompt length × concurrency) in order, journaling each finished cell so a retried activity skips it
// and rebuilds its results from the journal. Progress counts measured requests; the checkpoint names
// the last finished cell. Cancellation aborts every in-flight request at once.
import { setMaxListeners } from 'node:events';
import { createOpenAIClient } from '../../endpoint/openai-client.js';
import { EndpointError } from '../../endpoint/errors.js';
import type { EnvelopeResult } from '../../../workflows/shared/envelope.js';
import type { SuiteContext, SuiteOutcome } from '../types.js';
import type { PerfConfig, PerfSuiteName } from './config.js';
import { cellKey, runCell, type CellSpec, type CellSummary } from './cell.js';
import { calibratePrompts, GUESSED_CALIBRATION, type PromptCalibration } from './prompt.js';
import { cellErrors, cellResults } from './results.js';

const JOURNAL_PREFIX = 'cell:';

export function cellsOf(config: PerfConfig): CellSpec[] {
  return config.prompt_tokens.flatMap((promptTokens) => config.concurrency.map((concurrency) => ({ promptTokens, concurrency })));
}

/** The runner of both native perf suites (catalog.ts): `throughput` and `ttft` differ only in config and results. */
export async function runPerfSuite(context: SuiteContext<PerfConfig>): Promise<SuiteOutcome> {
  const { config } = context;
  const suite = context.suite as PerfSuiteName;
  const cells = cellsOf(config);
  const perCell = (c: CellSpec): number => c.concurrency * config.repeats;
  const total = cells.reduce((n, c) => n + perCell(c), 0);
  const summaries = new Map<string, CellSummary>();
  for (const { key, value } of context.journal.entries()) {
    if (key.startsWith(JOURNAL_PREFIX)) summaries.set(key.slice(JOURNAL_PREFIX.length), value as CellSummary);
  }
  let completed = cells.filter((c) => summaries.has(cellKey(c))).reduce((n, c) => n + perCell(c), 0);
  let checkpoint = [...summaries.keys()].at(-1);
  context.onProgress({ completed, total, ...(checkpoint ? { checkpoint } : {}), detail: completed ? `resumed: ${summaries.size} of ${cells.length} cells done` : 'starting' });

  const errors: string[] = [];
  const pending = cells.filter((c) => !summaries.has(cellKey(c)));
  // Every in-flight request listens for cancellation; one internal signal (no listener limit) follows
  // the caller's, so 64 concurrent requests do not trip Node's leak warning on the caller's signal.
  const cancel = new AbortController();
  setMaxListeners(0, cancel.signal);
  const follow = (): void => cancel.abort(context.signal.reason);
  if (context.signal.aborted) follow();
  else context.signal.addEventListener('abort', follow, { once: true });
  const signal = cancel.signal;
  if (pending.length > 0) {
    const client = createOpenAIClient({
      baseUrl: context.endpoint,
      // Warm-up and measurement both run at most max(concurrency) requests at once.
      connections: Math.max(...config.concurrency),
      connectTimeoutMs: config.connect_timeout_s * 1000,
      requestTimeoutMs: config.request_timeout_s * 1000,
    });
    try {
      const calibration = await calibrate(client, context.model, signal, config, errors);
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
    } catch (error) {
      if (signal.aborted) throw new EndpointError('aborted', `${suite} suite cancelled after ${completed} of ${total} requests`, { cause: error });
      throw error;
    } finally {
      context.signal.removeEventListener('abort', follow);
      await client.close();
    }
  }

  const results: EnvelopeResult[] = [];
  for (const spec of cells) {
    const summary = summaries.get(cellKey(spec));
    // Every cell was either resumed from the journal or run above (a failed cell throws).
    if (!summary) throw new Error(`perf suite: no summary for cell ${cellKey(spec)}`);
    results.push(...cellResults(suite, summary));
    errors.push(...cellErrors(summary));
  }
  return {
    results,
    genKwargs: { max_gen_toks: config.max_tokens, temperature: config.temperature },
    errors,
  };
}

async function calibrate(
  client: ReturnType<typeof createOpenAIClient>,
  model: string,
  signal: AbortSignal,
  config: PerfConfig,
  errors: string[],
): Promise<PromptCalibration> {
  if (!config.calibrate_prompts) return GUESSED_CALIBRATION;
  const calibration = await calibratePrompts(client, model, {
    signal,
    timeoutMs: config.request_timeout_s * 1000,
    extra: config.extra_body,
  });
  if (calibration.estimated) {
    errors.push('the server reported no token usage: prompt lengths are estimates (about 1.3 tokens per word), not the server\'s counts');
  }
  return calibration;
}
