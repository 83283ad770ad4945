// The end-of-sweep table and the live bars (cli-progress), one row per (model, suite).
import cliProgress from 'cli-progress';
import { basename } from 'node:path';
import { terminalTable } from '../terminal/table.js';
import type { SweepProgress } from '../../workflows/progress.js';

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function summaryTable(progress: SweepProgress): string {
  const table = terminalTable({ head: ['model', 'suite', 'state', 'attempt', 'elapsed', 'shard / error'], wordWrap: true, colWidths: [null, null, null, null, null, 70] });
  for (const m of progress.models) {
    for (const s of m.suites) {
      table.push([m.model, s.suite, s.state, String(s.attempt || ''), formatDuration(s.elapsedMs), s.error ?? (s.shard ? basename(s.shard) : '')]);
    }
  }
  return table.toString();
}

/** Bars keyed by "model · suite"; update() redraws from the latest progress. */
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

export function progressBars(stream: NodeJS.WritableStream = process.stderr) {
  const multi = new cliProgress.MultiBar(
    {
      format: ' {label} |{bar}| {percentage}% {state} {detail}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      stream: stream,
      noTTYOutput: !('isTTY' in stream && stream.isTTY === true),
      notTTYSchedule: 10_000,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    update(progress: SweepProgress) {
      const width = Math.max(...progress.models.flatMap((m) => m.suites.map((s) => `${m.model} · ${s.suite}`.length)), 10);
      for (const m of progress.models) {
        for (const s of m.suites) {
          const label = `${m.model} · ${s.suite}`;
          const done = s.state === 'passed' || s.state === 'failed' || s.state === 'skipped';
          const total = s.total && s.total > 0 ? s.total : 1;
          const value = done ? total : Math.min(s.completed ?? 0, total);
          const payload = {
            label: label.padEnd(width),
            state: s.state,
            detail: s.state === 'running' ? `${s.completed ?? 0}/${s.total ?? '?'} ${s.attempt > 1 ? `attempt ${s.attempt} ` : ''}${s.etaMs !== undefined ? `ETA ${formatDuration(s.etaMs)}` : ''}` : (s.error ?? ''),
          };
          let bar = bars.get(label);
          if (!bar) {
            bar = multi.create(total, value, payload);
            bars.set(label, bar);
          } else {
            bar.setTotal(total);
            bar.update(value, payload);
          }
        }
      }
    },
    stop() {
      multi.stop();
    },
  };
}
