// The suite activity: runs one SuiteRunner for one model as a heartbeating, resumable activity.
// - Heartbeats {completed, total, checkpoint} on every onProgress and re-sends the last one on a timer,
//   so the server sees a live worker (and delivers cancellation) even during one long request.
// - Journal at <data>/journals/<workflow id>/<run id>/<activity id>.jsonl: the suite appends + fsyncs each
//   finished sample and skips those already there, so a retry after a crash resumes instead of starting over;
//   its first line is the run's identity, so a journal of another run or config is never resumed from.
// - Cancellation: Temporal's cancel arrives through the heartbeat and aborts Context.cancellationSignal,
//   which the suite passes to every request / child process.
import { Context } from '@temporalio/activity';
import { openJournal } from '../journal/journal.js';
import { peakSnapshot, watchServerMemory } from '../memory/index.js';
import { HEARTBEAT_TICK_MS } from '../../workflows/shared/heartbeat-timing.js';
import { SUITE_CATALOG, type SuiteCatalog } from '../suites/catalog.js';
import { runDeclared } from '../suites/run-declared.js';
import { resolveSuite } from '../suites/suite-config.js';
import { canonicalJson, sha256Hex } from '../publish/canonical.js';
import { journalPath, workDirFor } from './paths.js';
import { endpointAnswers, waitForEndpoint } from './outage.js';
import { NightshiftError } from '../errors.js';
import type { RunSuiteInput, RunSuiteResult, SuiteHeartbeat } from './types.js';
import type { SuiteContext } from '../suites/types.js';
import { SWEEP_DEFAULTS } from '../../workflows/shared/sweep-input.js';

export interface RunSuiteDeps {
  dataDir: string;
  /** The suites this worker can run (default: the built-in catalog). */
  catalog?: SuiteCatalog;
}

export async function runSuiteActivity(deps: RunSuiteDeps, input: RunSuiteInput): Promise<RunSuiteResult> {
  const ctx = Context.current();
  const { info } = ctx;
  // The sweep checked this before any model loaded; a host worker of another build (or edited configs) can
  // still disagree, which is a ConfigError naming the suite, tool or key (not retried).
  const { declaration, config } = await resolveSuite(input.suite, input.config, { catalog: deps.catalog ?? SUITE_CATALOG });
  // Suites run only inside workflows (never as standalone activities), so the workflow execution is known.
  const execution = info.workflowExecution;
  if (!execution) throw new Error(`suite activity ${info.activityId} has no workflow execution`);
  const run = { workflowId: execution.workflowId, runId: execution.runId, activityId: info.activityId };
  // Bound to this run and these conditions: a journal of another run, model, config or endpoint is set
  // aside (and said so in the envelope), never resumed from.
  const journal = await openJournal(journalPath(deps.dataDir, run), {
    identity: {
      ...run,
      model: input.model,
      suite: declaration.suite,
      tool: declaration.tool,
      endpoint: input.endpoint,
      config: sha256Hex(canonicalJson(config)),
    },
    onMismatch: 'set-aside',
  });
  const setAside = journal.setAside ? [`journal of another run set aside, nothing resumed from it (${journal.setAside.why}): ${journal.setAside.path}`] : [];
  const resumedFrom = journal.entries().length;
  const prior = info.heartbeatDetails as SuiteHeartbeat | undefined;
  let last: SuiteHeartbeat = { completed: resumedFrom, total: prior?.total ?? 0, ...(prior?.checkpoint ? { checkpoint: prior.checkpoint } : {}) };
  const beat = () => ctx.heartbeat(last);
  beat();
  const timer = setInterval(beat, HEARTBEAT_TICK_MS);
  // Only the peak here: the load and release activities take the "loaded" and "after" snapshots.
  const memory = await watchServerMemory(input, { phases: false });
  let outageMs = 0;
  // Absent in activities scheduled by sweeps that started before the tolerance existed.
  const tolerance = input.outageToleranceSeconds ?? SWEEP_DEFAULTS.outageToleranceSeconds;
  try {
    const suiteContext: SuiteContext = {
      suite: declaration.suite,
      endpoint: input.endpoint,
      model: input.model,
      config,
      signal: ctx.cancellationSignal,
      journal,
      workDir: workDirFor(deps.dataDir, run),
      onProgress: (p) => {
        last = { completed: p.completed, total: p.total, ...(p.checkpoint ? { checkpoint: p.checkpoint } : {}), ...(p.detail ? { detail: p.detail } : {}) };
        beat();
        memory.progress();
      },
    };
    // A failure while the endpoint does not answer at all is an outage: wait for the server (within the
    // sweep's tolerance) and run again from the journal, without spending an attempt.
    const outages: string[] = [];
    let outcome;
    for (;;) {
      try {
        outcome = await runDeclared(declaration, suiteContext);
        break;
      } catch (error) {
        // Cancellation and bad configuration are never outages.
        if (ctx.cancellationSignal.aborted || (error instanceof NightshiftError && error.exitCode === 2)) throw error;
        if (await endpointAnswers(input.endpoint, ctx.cancellationSignal)) throw error;
        const budgetMs = tolerance * 1000 - outageMs;
        const began = Date.now();
        const waited = budgetMs > 0 ? await waitForEndpoint(input.endpoint, budgetMs, ctx.cancellationSignal) : undefined;
        outageMs += Date.now() - began;
        if (waited === undefined) {
          throw new NightshiftError(`model server at ${input.endpoint} stopped answering and did not come back within the outage tolerance (${tolerance} s): ${(error as Error).message}`, { cause: error });
        }
        outages.push(`model server at ${input.endpoint} stopped answering (${(error as Error).message}); back after ${waited} s, the suite went on from its journal`);
      }
    }
    const readings = await memory.stop();
    const peakMb = readings.peakRssMb;
    return {
      suite: input.suite,
      model: input.model,
      // Each result gets the suite's peak unless the suite measured a finer-grained one itself.
      results: peakMb === undefined ? outcome.results : outcome.results.map((r) => (r.peak_rss_mb === undefined ? { ...r, peak_rss_mb: peakMb } : r)),
      ...(outcome.genKwargs ? { genKwargs: outcome.genKwargs } : {}),
      ...(outcome.seed !== undefined ? { seed: outcome.seed } : {}),
      errors: [...setAside, ...outages, ...outcome.errors, ...readings.errors],
      ...(outcome.skipped ? { skipped: outcome.skipped } : {}),
      ...(outcome.incomplete ? { incomplete: outcome.incomplete } : {}),
      ...(outcome.system ? { system: outcome.system } : {}),
      // First scheduling of this activity, identical on every retry: the envelope (and so the shard's
      // hash and name) come out the same however many attempts the suite took.
      startedAt: new Date(info.scheduledTimestampMs).toISOString(),
      completed: last.completed,
      total: last.total,
      attempt: info.attempt,
      resumedFrom,
      journalPath: journal.path ?? '',
      ...(peakMb !== undefined ? { peakMemory: peakSnapshot(peakMb) } : {}),
    };
  } finally {
    clearInterval(timer);
    await memory.stop();
    await journal.close();
  }
}
