// The `ttft` suite: time to first token and prefill speed per prompt length (default 128 … 8192 tokens,
// one request at a time, short replies). Registry entry for the sweep: { runner: ttftSuite, loadConfig }.
import type { SuiteRunner } from '../types.js';
import { loadTtftConfig, perfConfigFrom, type PerfConfig } from './config.js';
import { runPerfSuite } from './run-perf-suite.js';

export type TtftConfig = PerfConfig;
export { loadTtftConfig };

/** Validates (and fills defaults of) a config object for this suite; `source` names it in errors. */
export const ttftConfigFrom = (raw: unknown, source?: string): TtftConfig => perfConfigFrom('ttft', raw, source);

/** `context.config`: a TtftConfig or any part of one (validated here, defaults filled in). */
export const ttftSuite: SuiteRunner<unknown> = (context) => runPerfSuite('ttft', context);
