// Sends requests on an absolute timeline and records how late each one left (the client's own lag).
// Closed loop (no rate): `concurrency` slots, each sending its next request the moment its previous reply
// ends — the intended time is that moment. Open loop (a rate): request i is due at start + offset_i
// (uniform or Poisson spacing, seeded), at most `concurrency` in flight; a request that has to wait for a
// free slot leaves late and that lateness is recorded too. Times are performance.now() milliseconds.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from './prompt.js';

export interface ScheduleOptions {
  count: number;
  concurrency: number;
  /** Requests per second for an open-loop schedule; undefined = closed loop. */
  rate?: number;
  arrival?: 'uniform' | 'poisson';
  seed?: number;
  signal?: AbortSignal;
}

/** Runs `send(index, intendedAt)` for every index; rejects with the first failure `send` throws. */
export async function runSchedule(options: ScheduleOptions, send: (index: number, intendedAt: number) => Promise<void>): Promise<void> {
  return options.rate === undefined ? closedLoop(options, send) : openLoop(options, options.rate, send);
}

async function closedLoop(options: ScheduleOptions, send: (index: number, intendedAt: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const slot = async (): Promise<void> => {
    let intendedAt = performance.now();
    while (!failed && !options.signal?.aborted && next < options.count) {
      const index = next++;
      try {
        await send(index, intendedAt);
      } catch (error) {
        failed = true;
        throw error;
      }
      intendedAt = performance.now();
    }
  };
  const slots = Math.min(options.concurrency, options.count);
  await firstFailure(Array.from({ length: slots }, slot));
}

/** Offsets in ms from the schedule start for `count` arrivals at `rate` per second. */
export function arrivalOffsets(count: number, rate: number, arrival: 'uniform' | 'poisson' = 'uniform', seed = 0): number[] {
  const interval = 1000 / rate;
  const random = seededRandom(seed);
  const offsets = new Array<number>(count);
  let t = 0;
  for (let i = 0; i < count; i++) {
    offsets[i] = t;
    t += arrival === 'poisson' ? -Math.log(1 - random()) * interval : interval;
  }
  return offsets;
}

async function openLoop(options: ScheduleOptions, rate: number, send: (index: number, intendedAt: number) => Promise<void>): Promise<void> {
  const offsets = arrivalOffsets(options.count, rate, options.arrival, options.seed);
  const start = performance.now();
  const inFlight = new Set<Promise<void>>();
  const all: Array<Promise<void>> = [];
  let failure: { error: unknown } | undefined;
  // A function, not an inline test: `failure` is set by a send's rejection handler while this loop
  // awaits, which control-flow narrowing cannot see.
  const stopped = (): boolean => failure !== undefined || options.signal?.aborted === true;
  for (const [i, offset] of offsets.entries()) {
    if (stopped()) break;
    const due = start + offset;
    const wait = due - performance.now();
    // Timers have millisecond granularity and may fire a fraction early: sleep to within a millisecond,
    // then yield with setImmediate until due (other I/O keeps being read; no blocking busy-wait).
    if (wait > 1) await sleep(wait - 1, undefined, { signal: options.signal }).catch(() => undefined);
    while (performance.now() < due && !options.signal?.aborted) await new Promise<void>((resolve) => setImmediate(resolve));
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    if (stopped()) break;
    const p: Promise<void> = send(i, due).then(
      () => void inFlight.delete(p),
      (error: unknown) => {
        inFlight.delete(p);
        failure ??= { error };
      },
    );
    inFlight.add(p);
    all.push(p);
  }
  await Promise.all(all);
  if (failure) throw failure.error;
}

async function firstFailure(tasks: Array<Promise<void>>): Promise<void> {
  const settled = await Promise.allSettled(tasks);
  const rejected = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (rejected) throw rejected.reason;
}
