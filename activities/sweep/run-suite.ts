// The suite activity: runs one SuiteRunner for one model as a heartbeating, resumable activity.
// - Heartbeats {completed, total, checkpoint} on every onProgress and re-sends the last one on a timer,
//   so the server sees a live worker (and delivers cancellation) even during one long request.
// - Journal at <data>/journals/<workflow id>/<activity id>.jsonl: the suite appends + fsyncs each finished
//   sample and skips those already there, so a retry after a crash resumes instead of starting over.
// - Cancellation: Temporal's cancel arrives through the heartbeat and aborts Context.cancellationSignal,
//   which the suite passes to every request / child process.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { openJournal } from '../journal/journal.js';
import { autoMemoryTarget, PeakRssSampler } from '../memory/index.js';
import type { MemorySnapshot } from '../envelope/types.js';
import { HEARTBEAT_TICK_MS } from '../../workflows/policies.js';
import { resolveSuite, type SuiteRegistry } from '../suites/registry.js';
import { defaultToolFor, splitTool } from '../../workflows/suite-tools.js';
import { journalPath, workDirFor } from './paths.js';
import type { RunSuiteInput, RunSuiteResult, SuiteHeartbeat } from './types.js';

export interface RunSuiteDeps {
  registry: SuiteRegistry;
  dataDir: string;
}

export async function runSuiteActivity(deps: RunSuiteDeps, input: RunSuiteInput): Promise<RunSuiteResult> {
  const ctx = Context.current();
  const { info } = ctx;
  // `tool` (validated against workflows/suite-tools.ts by the input check) picks the runner; the rest of
  // the suite's sweep config is that tool's own overrides.
  const { tool, config: overrides } = splitTool(input.suite, input.config);
  const entry = resolveSuite(deps.registry, input.suite, tool);
  if (!entry) {
    throw ApplicationFailure.create({
      type: 'SuiteNotFound',
      nonRetryable: true,
      message: deps.registry.has(input.suite)
        ? `suite "${input.suite}" has no runner for tool "${tool}" on host worker ${info.taskQueue}; tools: ${[defaultToolFor(input.suite), ...Object.keys(deps.registry.get(input.suite)?.tools ?? {})].join(', ')}`
        : `suite "${input.suite}" has no runner on host worker ${info.taskQueue}; available: ${[...deps.registry.keys()].join(', ') || 'none'}`,
    });
  }
  const config = await entry.loadConfig(overrides);
  const workflowId = info.workflowExecution?.workflowId ?? info.activityId;
  const journal = await openJournal(journalPath(deps.dataDir, workflowId, info.activityId));
  const resumedFrom = journal.entries().length;
  const prior = info.heartbeatDetails as SuiteHeartbeat | undefined;
  let last: SuiteHeartbeat = { completed: resumedFrom, total: prior?.total ?? 0, ...(prior?.checkpoint ? { checkpoint: prior.checkpoint } : {}) };
  const beat = () => ctx.heartbeat(last);
  beat();
  const timer = setInterval(beat, HEARTBEAT_TICK_MS);
  const sampler = await startPeakSampler(input.endpoint, input.model);
  try {
    const runner = await entry.runner();
    const outcome = await runner({
      endpoint: input.endpoint,
      model: input.model,
      config,
      signal: ctx.cancellationSignal,
      journal,
      workDir: workDirFor(deps.dataDir, workflowId, info.activityId),
      onProgress: (p) => {
        last = { completed: p.completed, total: p.total, ...(p.checkpoint ? { checkpoint: p.checkpoint } : {}), ...(p.detail ? { detail: p.detail } : {}) };
        beat();
      },
    });
    const peak = await peakOf(sampler);
    return {
      suite: input.suite,
      model: input.model,
      // Each result gets the suite's peak unless the suite measured a finer-grained one itself.
      results: peak.mb === undefined ? outcome.results : outcome.results.map((r) => (r.peak_rss_mb === undefined ? { ...r, peak_rss_mb: peak.mb } : r)),
      ...(outcome.genKwargs ? { genKwargs: outcome.genKwargs } : {}),
      ...(outcome.seed !== undefined ? { seed: outcome.seed } : {}),
      errors: outcome.errors,
      ...(outcome.skipped ? { skipped: outcome.skipped } : {}),
      // First scheduling of this activity, identical on every retry: the envelope (and so the shard's
      // hash and name) come out the same however many attempts the suite took.
      startedAt: new Date(info.scheduledTimestampMs).toISOString(),
      completed: last.completed,
      total: last.total,
      attempt: info.attempt,
      resumedFrom,
      journalPath: journal.path ?? '',
      ...(peak.snapshot ? { peakMemory: peak.snapshot } : {}),
    };
  } finally {
    clearInterval(timer);
    await sampler?.stop().catch(() => undefined);
    await journal.close();
  }
}

// Peak RSS of the model server while the suite runs (the envelope's "peak" memory snapshot). Sampling is
// best effort: an endpoint on another host or a server whose process cannot be found gives no reading,
// never a failed suite.
async function startPeakSampler(endpoint: string, model: string): Promise<PeakRssSampler | undefined> {
  try {
    const target = await autoMemoryTarget({ endpoint, model });
    if ('problem' in target) return undefined;
    const sampler = new PeakRssSampler(target, { intervalMs: 1000 });
    await sampler.start();
    return sampler;
  } catch {
    return undefined;
  }
}

async function peakOf(sampler: PeakRssSampler | undefined): Promise<{ mb?: number; snapshot?: MemorySnapshot }> {
  if (!sampler) return {};
  const report = await sampler.stop().catch(() => undefined);
  if (report?.peak_rss_mb === undefined) return {};
  const mb = Math.round(report.peak_rss_mb * 10) / 10;
  return { mb, snapshot: { phase: 'peak', rss_gb: Math.round((report.peak_rss_mb / 1024) * 1000) / 1000 } };
}
