// Which cells a perf run measures and how many requests each sends, decided before anything is sent:
// the suite and the duration estimate use the same plan. A cell whose prompt plus max_tokens cannot fit
// the server's per-request context (when the server tells it) is skipped up front with the reason:
// sending it would only collect the server's refusals, or replies cut short at the context's end.
import type { ServerLimits } from '../../endpoint/server-limits.js';
import type { PerfConfig } from './config.js';

export interface CellSpec {
  promptTokens: number;
  concurrency: number;
}

export function cellKey(spec: CellSpec): string {
  return `p${spec.promptTokens}_c${spec.concurrency}`;
}

export function cellsOf(config: PerfConfig): CellSpec[] {
  return config.prompt_tokens.flatMap((promptTokens) => config.concurrency.map((concurrency) => ({ promptTokens, concurrency })));
}

/** Measured requests of a cell (warm-up not counted). */
export function measuredRequests(spec: CellSpec, config: PerfConfig): number {
  return spec.concurrency * config.repeats;
}

/** Why a cell cannot run on this server, or undefined when it fits (or the server did not say). */
export function contextSkipReason(spec: CellSpec, config: PerfConfig, limits: ServerLimits): string | undefined {
  if (limits.contextTokens === undefined) return undefined;
  const need = spec.promptTokens + config.max_tokens;
  if (need <= limits.contextTokens) return undefined;
  return `needs ${need} tokens of context (prompt ${spec.promptTokens} + max_tokens ${config.max_tokens}) but the server gives a request ${limits.contextTokens} (${limits.source ?? 'as it reports'})`;
}

/** The envelope line when a run asks for more concurrency than the server decodes at once, or undefined. */
export function slotsWarning(config: PerfConfig, limits: ServerLimits): string | undefined {
  const slots = limits.slots;
  if (slots === undefined) return undefined;
  const over = config.concurrency.filter((c) => c > slots);
  if (over.length === 0) return undefined;
  return (
    `concurrency ${over.join(', ')} exceeds the server's ${slots} parallel slots (${limits.source ?? 'as it reports'}): requests beyond ` +
    `${slots} wait in the server's queue; that wait is reported as queue_ms and is part of TTFT, not of prefill`
  );
}
