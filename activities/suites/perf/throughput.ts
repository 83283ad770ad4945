// The `throughput` suite: decode and aggregate output speed, ITL, end-to-end latency and TTFT per prompt
// length and concurrency level. Registry entry for the sweep: { runner: throughputSuite, loadConfig }.
import type { SuiteRunner } from '../types.js';
import { loadThroughputConfig, perfConfigFrom, type PerfConfig } from './config.js';
import { runPerfSuite } from './run-perf-suite.js';

export type ThroughputConfig = PerfConfig;
export { loadThroughputConfig };

/** Validates (and fills defaults of) a config object for this suite; `source` names it in errors. */
export const throughputConfigFrom = (raw: unknown, source?: string): ThroughputConfig => perfConfigFrom('throughput', raw, source);

/** `context.config`: a ThroughputConfig or any part of one (validated here, defaults filled in). */
export const throughputSuite: SuiteRunner<unknown> = (context) => runPerfSuite('throughput', context);
