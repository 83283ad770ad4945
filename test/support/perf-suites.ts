// The native perf suites as tests drive them: a partial config (validated and defaulted as the run layer
// would) and a context without the suite name.
import { checkWithSpec } from '../../activities/config/config-spec.js';
import { perfConfigSpec, type PerfSuiteName } from '../../activities/suites/perf/config.js';
import { runPerfSuite } from '../../activities/suites/perf/run-perf-suite.js';
import type { SuiteContext, SuiteOutcome } from '../../activities/suites/types.js';

export type TestPerfContext = Omit<SuiteContext, 'suite'>;

function perfSuite(suite: PerfSuiteName): (context: TestPerfContext) => Promise<SuiteOutcome> {
  return (context) => runPerfSuite({ ...context, suite, config: checkWithSpec(perfConfigSpec(suite), context.config ?? {}, `${suite} test config`) });
}

export const throughputSuite = perfSuite('throughput');
export const ttftSuite = perfSuite('ttft');
