// The end-of-sweep table and the live bars (cli-progress), one row per (model, suite).
import cliProgress from 'cli-progress';
import { basename, dirname } from 'node:path';
import { fittedTable, shortenMiddle, terminalWidth } from '../terminal/table.js';
import type { SuiteProgressState, SweepProgress } from '../../workflows/progress.js';

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** The end-of-sweep table: one row per (model, suite). On a terminal it fits `width` (long ids and shard
 * names shortened in the middle); the shards' folder and the reasons of failed or skipped pairs follow
 * below the table, once each, instead of widening it. */
export function summaryTable(progress: SweepProgress, width: number | undefined = terminalWidth()): string {
  const rows = progress.models.flatMap((m) => m.suites.map((s) => ({ model: m.model, s })));
  const shardDirs = [...new Set(rows.flatMap(({ s }) => (s.shard ? [dirname(s.shard)] : [])))];
  const cells = rows.map(({ model, s }) => [model, s.suite, s.state, String(s.attempt || ''), formatDuration(s.elapsedMs), s.shard ? (shardDirs.length === 1 ? basename(s.shard) : s.shard) : '']);
  // The shard gives way first (its full path is in `sweep status` and the dataset), then the model id.
  const table = fittedTable(['model', 'suite', 'state', 'attempt', 'elapsed', 'shard'], cells, width, [[5, 24], [0, 20], [5, 12], [0, 12]]);
  const notes: string[] = [];
  if (shardDirs.length === 1) notes.push(`shards in ${shardDirs[0] ?? ''}`);
  const why = rows.filter(({ s }) => (s.state === 'failed' || s.state === 'skipped') && s.error);
  for (const { model, s } of why.slice(0, 20)) notes.push(`${model} · ${s.suite} ${s.state}: ${firstLine(s.error ?? '')}`);
  if (why.length > 20) notes.push(`… and ${why.length - 20} more (nightshift sweep status ${progress.sweepId})`);
  return [table, ...notes].join('\n');
}

/** Progress for a pipe or a log file: one line each time a pair starts or ends (with its reason when it
 * failed or was skipped), instead of bars that only a terminal can redraw. */
export function progressLines(stream: NodeJS.WritableStream = process.stderr) {
  const seen = new Map<string, string>();
  return {
    update(progress: SweepProgress) {
      for (const m of progress.models) {
        for (const s of m.suites) {
          const key = `${m.model} · ${s.suite}`;
          const state = `${s.state}${s.attempt > 1 ? ` (attempt ${s.attempt})` : ''}`;
          if (s.state === 'pending' || seen.get(key) === state) continue;
          seen.set(key, state);
          const detail = s.state === 'failed' || s.state === 'skipped' ? (s.error ? `: ${s.error.split('\n')[0] ?? ''}` : '') : '';
          stream.write(`${new Date().toISOString()} ${key} ${state}${detail}\n`);
        }
      }
    },
    stop() {},
  };
}

/** What one pair's bar shows: how far (never less than it already showed in this run of the pair), and a
 * status that says what the bar alone cannot — failed and skipped are not "100 %". */
export interface BarView {
  value: number;
  total: number;
  status: string;
}

export function barView(s: SuiteProgressState, queuedForRetry: boolean, shownBefore: number): BarView {
  const known = s.total !== undefined && s.total > 0;
  const total = known ? (s.total as number) : 1;
  if (queuedForRetry) return { value: 0, total, status: `queued for retry (was ${s.state})` };
  switch (s.state) {
    case 'passed':
      return { value: total, total, status: `passed${s.attempt > 1 ? ` in attempt ${s.attempt}` : ''}` };
    case 'failed':
    case 'skipped':
      return { value: Math.min(Math.max(s.completed ?? 0, shownBefore), total), total, status: s.state };
    case 'pending':
      return { value: 0, total, status: 'pending' };
    case 'running': {
      const value = Math.min(Math.max(s.completed ?? 0, shownBefore), total);
      const parts = [known ? `${value}/${total} ${Math.round((100 * value) / total)}%` : 'starting', s.attempt > 1 ? `attempt ${s.attempt}` : '', s.etaMs !== undefined ? `ETA ${formatDuration(s.etaMs)}` : ''];
      return { value, total, status: parts.filter(Boolean).join(' ') };
    }
  }
}

/** Live bars for a terminal, one per (model, suite), pairs queued by `sweep retry` included. A pair that
 * fails or is skipped gets its reason printed once above the bars. */
export function progressBars(stream: NodeJS.WritableStream = process.stderr) {
  const multi = new cliProgress.MultiBar(
    {
      format: ' {label} |{bar}| {status}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      stream: stream,
      noTTYOutput: !('isTTY' in stream && stream.isTTY === true),
      notTTYSchedule: 10_000,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, { bar: cliProgress.SingleBar; shown: number; state: string; told: boolean }>();
  return {
    update(progress: SweepProgress) {
      const labelWidth = Math.min(60, Math.max(...progress.models.flatMap((m) => m.suites.map((s) => `${m.model} · ${s.suite}`.length)), 10));
      for (const m of progress.models) {
        for (const s of m.suites) {
          const key = `${m.model} · ${s.suite}`;
          const queued = progress.queuedRetries.some((q) => q.model === m.model && q.suite === s.suite);
          const entry = bars.get(key);
          // A pair that runs again (a retry) starts a new bar run: only then may it go back to 0.
          const rerun = entry !== undefined && (entry.state === 'failed' || entry.state === 'skipped') && (s.state === 'pending' || s.state === 'running');
          const shown = entry && !rerun && !queued ? entry.shown : 0;
          const view = barView(s, queued, shown);
          const payload = { label: shortenMiddle(key, labelWidth).padEnd(labelWidth), status: view.status };
          if (!entry) {
            bars.set(key, { bar: multi.create(view.total, view.value, payload), shown: view.value, state: s.state, told: false });
          } else {
            entry.bar.setTotal(view.total);
            entry.bar.update(view.value, payload);
            entry.shown = view.value;
            if (rerun) entry.told = false;
            entry.state = s.state;
          }
          const now = bars.get(key);
          if (now && !now.told && (s.state === 'failed' || s.state === 'skipped') && !queued) {
            now.told = true;
            multi.log(`${key} ${s.state}: ${firstLine(s.error ?? 'no reason given')}\n`);
          }
        }
      }
    },
    stop() {
      multi.stop();
    },
  };
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? '';
}
