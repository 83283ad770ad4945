// One progress bar on stderr for a standalone suite run (requests done / planned and where it is).
import cliProgress from 'cli-progress';
import type { SuiteProgress } from '../../activities/suites/types.js';

export function progressBar(enabled: boolean): { update: (p: SuiteProgress) => void; stop: () => void } {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: ' {bar} {value}/{total} requests | {detail}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update: (p) => {
      if (!started) {
        bar.start(p.total, p.completed, { detail: p.detail ?? '' });
        started = true;
      } else bar.update(p.completed, { detail: p.detail ?? '' });
    },
    stop: () => started && bar.stop(),
  };
}
