// Live progress of a sweep, as the CLI shows it. The workflows know each pair's state, attempt and shard;
// how far a running suite has got lives in its heartbeat ({completed, total}), which only the server
// sees. So: query the sweep, query the running child, and read the child's pending suite activity from
// describe() — percent, elapsed and ETA come from those heartbeat details.
import { defaultPayloadConverter, type Client, type WorkflowHandle } from '@temporalio/client';
import { modelProgressQuery, sweepProgressQuery } from '../../workflows/definitions.js';
import type { ModelProgress, SuiteProgressState, SweepProgress } from '../../workflows/progress.js';
import type { SuiteHeartbeat } from '../../activities/sweep/types.js';

export async function sweepProgress(client: Client, sweepId: string, now = Date.now()): Promise<SweepProgress> {
  const progress = await client.workflow.getHandle(sweepId).query(sweepProgressQuery);
  if (progress.state === 'cancelled') return settledByCancel(progress);
  for (const model of progress.models) {
    if (model.state !== 'running') continue;
    const child = client.workflow.getHandle(model.workflowId);
    try {
      const live = await child.query(modelProgressQuery);
      model.suites = model.suites.map((s) => live.suites.find((l) => l.suite === s.suite) ?? s);
      model.memory = live.memory;
      const described = await child.describe();
      for (const pending of described.raw.pendingActivities ?? []) {
        if (pending.activityType?.name !== 'runSuite') continue;
        const suite = model.suites.find((s) => s.state === 'running');
        if (!suite) continue;
        suite.attempt = pending.attempt ?? suite.attempt;
        const payload = pending.heartbeatDetails?.payloads?.[0];
        const beat = payload ? (defaultPayloadConverter.fromPayload<SuiteHeartbeat>(payload)) : undefined;
        if (beat) Object.assign(suite, withTiming({ ...suite, completed: beat.completed, total: beat.total }, now));
      }
    } catch {
      // The child may have just finished or not started yet; the sweep's own view is still right.
    }
  }
  return progress;
}

/** A cancelled sweep's last word on a pair that was running or waiting is not its end: nothing runs any
 * more. Such pairs read as skipped because the sweep was cancelled, and their models as cancelled. */
export function settledByCancel(progress: SweepProgress): SweepProgress {
  const models = progress.models.map((m): ModelProgress => {
    if (m.state !== 'running' && m.state !== 'pending') return m;
    const suites = m.suites.map((s): SuiteProgressState => (s.state === 'running' || s.state === 'pending' ? { ...s, state: 'skipped', error: 'sweep cancelled' } : s));
    return { ...m, state: 'cancelled', suites };
  });
  return { ...progress, models };
}

/** percent, elapsed and ETA (linear in samples) for a running pair. */
export function withTiming(s: SuiteProgressState, now: number): SuiteProgressState {
  const out = { ...s };
  if (s.startedAt !== undefined) out.elapsedMs = (s.finishedAt ?? now) - s.startedAt;
  if (s.total && s.total > 0 && s.completed !== undefined) {
    out.percent = Math.min(100, Math.round((100 * s.completed) / s.total));
    if (s.completed > 0 && out.elapsedMs !== undefined && s.state === 'running') {
      out.etaMs = Math.round((out.elapsedMs / s.completed) * (s.total - s.completed));
    }
  }
  return out;
}

/** Every model of a sweep: the ones `first` holds, then the rest page by page through the progress query
 * (a sweep answers at most one page at a time, so no payload grows with the sweep). */
export async function allModels(handle: WorkflowHandle, first: SweepProgress): Promise<ModelProgress[]> {
  const models = [...first.models];
  while (models.length < first.totals.models) {
    const page = await handle.query(sweepProgressQuery, { offset: models.length, limit: 500 });
    if (page.models.length === 0) break;
    models.push(...page.models);
  }
  return models;
}
