// Watching the model server's memory while a suite runs: `nightshift run` and the sweep's suite activity
// both use this, so a run's memory readings mean the same whichever way it ran. Finds the server's
// processes from the endpoint (llama-swap's /running, the port's listener, or this very process when the
// endpoint is served in-process), tracks the peak RSS, and turns every reading it could not take into
// one line for the envelope's errors instead of failing the suite.
import type { MemorySnapshot } from '../../workflows/shared/envelope.js';
import { autoMemoryTarget, isLocalHost, type ModelEndpointRef } from './probe.js';
import { pidsListeningOn } from './ports.js';
import { PeakRssSampler } from './sampler.js';
import { memorySnapshot } from './snapshot.js';
import { resolveTarget, type MemoryTarget } from './target.js';

export interface MemoryReadings {
  snapshots: MemorySnapshot[];
  /** Highest RSS of the server's process tree while the suite ran, MiB; undefined when never read. */
  peakRssMb: number | undefined;
  /** What was measured ("listener on port 8080", "pid 1234", …), tagged on every result. */
  targetLabel: string;
  /** One line per reason a reading is missing, for the envelope's errors. */
  errors: string[];
}

export interface MemoryWatch {
  /** Called on suite progress: a server that was not running at the start (llama-swap loads on the
   * first request) is looked for again, so its peak is still tracked. */
  progress(): void;
  stop(): Promise<MemoryReadings>;
}

export interface WatchOptions {
  /** The server's process (default: found from the endpoint). */
  target?: MemoryTarget;
  /** Time between peak-RSS samples; default 1000 ms. */
  intervalMs?: number;
  /** Take "before" and "after" snapshots too (default true; a sweep takes its own at load and release). */
  phases?: boolean;
  /** Added to the message when no server process is found (e.g. the CLI flags that name one). */
  hint?: string;
}

/**
 * Reads the model server's memory around a suite: a "before" snapshot now, the peak RSS while the suite
 * runs, an "after" snapshot at stop(). Never throws for memory: a server on another host, a process that
 * cannot be found or a reading that fails becomes a line in `errors` and the suite runs regardless.
 */
export async function watchServerMemory(ref: ModelEndpointRef, options: WatchOptions = {}): Promise<MemoryWatch> {
  const { target: chosen, intervalMs = 1000, phases = true, hint } = options;
  const found = chosen ? { target: chosen, label: '' } : await findServer(ref);
  if ('problem' in found) {
    const errors = [`memory: ${found.problem}; ${NOTHING_RECORDED}${hint ? ` (${hint})` : ''}`];
    return { progress: () => undefined, stop: () => Promise.resolve({ snapshots: [], peakRssMb: undefined, targetLabel: '', errors }) };
  }
  const { target } = found;
  // Each missing reading as [what is missing, why]; a server that was never found at all is reported
  // as one line with its reason rather than one line per phase.
  const missing: Array<[string, string]> = [];
  const snapshots: MemorySnapshot[] = [];
  const snapshot = async (phase: string): Promise<void> => {
    try {
      snapshots.push(await memorySnapshot(phase, target));
    } catch (error) {
      missing.push([`no "${phase}" snapshot`, (error as Error).message]);
    }
  };
  if (phases) await snapshot('before');
  let sampler: PeakRssSampler | undefined;
  let starting: Promise<void> | undefined;
  let lastTry = 0;
  let startProblem: string | undefined;
  const tryStart = (): Promise<void> => {
    lastTry = performance.now();
    const candidate = new PeakRssSampler(target, { intervalMs });
    return candidate.start().then(
      () => {
        sampler = candidate;
        startProblem = undefined;
      },
      (error: unknown) => {
        startProblem = (error as Error).message;
      },
    );
  };
  await tryStart();
  let stopped: Promise<MemoryReadings> | undefined;
  const finish = async (): Promise<MemoryReadings> => {
    await starting;
    const report = sampler ? await sampler.stop() : undefined;
    if (startProblem !== undefined) missing.push(['peak not tracked', startProblem]);
    // The sampler words its problems "memory sampling: <why>", one per distinct problem.
    for (const e of report?.errors ?? []) missing.push(['some peak samples missed', e.replace(/^memory sampling: /, '')]);
    if (phases) await snapshot('after');
    const peakRssMb = report?.peak_rss_mb;
    if (snapshots.length === 0 && peakRssMb === undefined) {
      const reasons = [...new Set(missing.map(([, why]) => why))];
      return { snapshots, peakRssMb, targetLabel: '', errors: [`memory: model server not read (${reasons.join('; ')}); ${NOTHING_RECORDED}`] };
    }
    // Resolved now rather than at the start: a llama-swap model that loaded during the suite has a process by now.
    const label = found.label || ((await resolveTarget(target).catch(() => undefined))?.label ?? 'the model server');
    return { snapshots, peakRssMb, targetLabel: label, errors: [...new Set(missing.map(([what, why]) => `memory: ${what}: ${why}`))] };
  };
  return {
    progress() {
      if (sampler || starting || stopped || performance.now() - lastTry < intervalMs) return;
      starting = tryStart().finally(() => (starting = undefined));
    },
    stop() {
      stopped ??= finish();
      return stopped;
    },
  };
}

const NOTHING_RECORDED = 'no memory_snapshots or peak_rss_mb recorded';

/** The endpoint's server process on this host, or why there is none. */
async function findServer(ref: ModelEndpointRef): Promise<{ target: MemoryTarget; label: string } | { problem: string }> {
  // A server inside this very process (programmatic use, tests) is excluded by the memory module as
  // "the sampler itself": read this process, which then includes the client, and label it so. Checked
  // first, without a request: such a server may not be ready for the llama-swap probe's GET /running.
  const url = new URL(ref.endpoint);
  if (isLocalHost(url.hostname)) {
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const listeners = await pidsListeningOn([port]).catch(() => [] as number[]);
    if (listeners.includes(process.pid)) return { target: { pid: process.pid }, label: `this process (pid ${process.pid}: the endpoint is served in-process, client included)` };
  }
  try {
    const auto = await autoMemoryTarget(ref);
    return 'problem' in auto ? auto : { target: auto, label: '' };
  } catch (error) {
    return { problem: `could not tell what serves ${ref.endpoint}: ${(error as Error).message}` };
  }
}
