// The native perf suites as tests drive them: a partial config (validated and defaulted as the run layer
// would) and a context without the suite name.
import { tmpdir } from 'node:os';
import { checkWithSpec } from '../../activities/config/config-spec.js';
import { memoryJournal } from '../../activities/journal/journal.js';
import { perfConfigSpec, type PerfSuiteName } from '../../activities/suites/perf/config.js';
import { runPerfSuite } from '../../activities/suites/perf/run-perf-suite.js';
import type { SuiteContext, SuiteOutcome, SuiteProgress } from '../../activities/suites/types.js';

export type TestPerfContext = Omit<SuiteContext, 'suite'>;

function perfSuite(suite: PerfSuiteName): (context: TestPerfContext) => Promise<SuiteOutcome> {
  return (context) => runPerfSuite({ ...context, suite, config: checkWithSpec(perfConfigSpec(suite), context.config ?? {}, `${suite} test config`) });
}

export const throughputSuite = perfSuite('throughput');
export const ttftSuite = perfSuite('ttft');

/** A context for `model` at `url` with an in-memory journal; every progress report is kept in `progress`. */
export function perfContext(url: string, config: Record<string, unknown>, extra: Partial<TestPerfContext> = {}, model = 'fake-model'): TestPerfContext & { progress: SuiteProgress[] } {
  const progress: SuiteProgress[] = [];
  return {
    endpoint: url,
    model,
    config,
    signal: new AbortController().signal,
    onProgress: (p) => progress.push(p),
    journal: memoryJournal(),
    workDir: tmpdir(),
    progress,
    ...extra,
  };
}

/** The envelope errors other than "client too busy" lines: a server in this process (or a loaded machine)
 * shares the client's event loop, so whether a cell is flagged depends on the machine's load. */
export function problems(outcome: { errors?: readonly string[] }): string[] {
  return (outcome.errors ?? []).filter((e) => !e.includes('client too busy to measure'));
}

/** Runs `fn` with stdout and stderr captured (for `nightshift run` through main()). */
export async function quiet<T>(fn: () => Promise<T>): Promise<{ value: T; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  // write() is also called with bytes.
  const text = (chunk: string | Uint8Array): string => (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
  process.stdout.write = ((s: string | Uint8Array) => (out.push(text(s)), true));
  process.stderr.write = ((s: string | Uint8Array) => (err.push(text(s)), true));
  try {
    return { value: await fn(), stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}
