// benchmarkSweep: the sweep workflow users start (`temporal workflow start --type benchmarkSweep`, `nightshift
// sweep start`). It checks the input against the catalog and the config files (every problem at once,
// non-retryable), then runs the sweep of one host (sweep-run.ts) or, when the input names `hosts`, a fleet:
// one hostSweep child per host, all at once (fleet-sweep.ts).
import { patched, proxyActivities } from '@temporalio/workflow';
import type { SweepActivities } from '../activities/sweep/activities.js';
import { ORCHESTRATION_QUEUE } from './definitions.js';
import { CHECK } from './policies.js';
import type { SweepResult } from './progress.js';
import { isFleetInput } from './shared/fleet-input.js';
import type { SweepCarry } from './sweep-state.js';
import { invalidInput } from './sweep-failures.js';
import { runHostSweep } from './sweep-run.js';
import { runFleet } from './fleet-sweep.js';

const { checkSweep } = proxyActivities<SweepActivities>({ ...CHECK, taskQueue: ORCHESTRATION_QUEUE });

export async function benchmarkSweep(rawInput: unknown, carried?: SweepCarry): Promise<SweepResult> {
  // Suites, tools and every suite's config are checked against the catalog and the config files (and the
  // host queue for a polling worker) before any model loads: that reads files and asks the server, so it
  // is an activity. A continued run was checked by its first run. (Sweeps that started before this check
  // existed replay without it, as with every patched() below.)
  if (carried === undefined && patched('check-sweep-activity')) {
    const problems = await checkSweep(rawInput);
    if (problems.length > 0) throw invalidInput(problems);
  }
  // A fleet's parent never continues as new (its hosts do), so `carried` is always a host sweep's.
  if (carried === undefined && isFleetInput(rawInput)) return runFleet(rawInput);
  return runHostSweep(rawInput, carried);
}
