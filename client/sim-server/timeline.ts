// One shared timer for every scheduled event in the simulator (token emissions, load completions).
//
// Why not a setTimeout per token: at concurrency 64 and a 10 ms inter-token latency that is 6,400
// timers a second, each allocated and each late by its own amount. Here events sit in a binary min-heap
// keyed by absolute due time (performance.now() milliseconds) and a single Node timer is armed for the
// earliest one. Events are planned on the request's own absolute timeline (arrival + TTFT + i × ITL), so
// a late wake-up never shifts later tokens: lateness cannot accumulate into drift.
//
// Node timers have 1 ms granularity and fire up to ~1 ms late. To centre the error on zero, the timer is
// armed slightly early and, when it fires, every event due within half a millisecond is run.

export interface TimelineEvent {
  /** Called once, at (or just around) its due time, with performance.now(). */
  fire(now: number): void;
}

const EARLY_TOLERANCE_MS = 0.5;

export class Timeline {
  private times: number[] = [];
  private events: TimelineEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private armedAt = Infinity;
  private readonly onTimer = () => this.run();

  get size(): number {
    return this.times.length;
  }

  /** Schedules `event` at absolute time `at` (performance.now() scale). */
  at(at: number, event: TimelineEvent): void {
    const times = this.times;
    const events = this.events;
    let i = times.length;
    times.push(at);
    events.push(event);
    // Sift up.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent] as number;
      if (pt <= at) break;
      times[i] = pt;
      events[i] = events[parent] as TimelineEvent;
      i = parent;
    }
    times[i] = at;
    events[i] = event;
    if (at < this.armedAt) this.arm(performance.now());
  }

  /** Drops every pending event (used on close). */
  clear(): void {
    this.times.length = 0;
    this.events.length = 0;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = Infinity;
  }

  private popMin(): TimelineEvent {
    const times = this.times;
    const events = this.events;
    const top = events[0] as TimelineEvent;
    const lastTime = times.pop() as number;
    const lastEvent = events.pop() as TimelineEvent;
    const n = times.length;
    if (n > 0) {
      // Sift the last element down from the root.
      let i = 0;
      for (let l = 1; l < n; l = 2 * i + 1) {
        const r = l + 1;
        const c = r < n && (times[r] as number) < (times[l] as number) ? r : l;
        if ((times[c] as number) >= lastTime) break;
        times[i] = times[c] as number;
        events[i] = events[c] as TimelineEvent;
        i = c;
      }
      times[i] = lastTime;
      events[i] = lastEvent;
    }
    return top;
  }

  private run(): void {
    this.timer = undefined;
    this.armedAt = Infinity;
    let now = performance.now();
    // Bounded batch: events fired here may schedule new ones due "now" (zero-delay tokens); those run
    // in this same pass, but refresh the clock now and then so a long batch does not run early events.
    let budget = 256;
    while (this.times.length > 0 && (this.times[0] as number) <= now + EARLY_TOLERANCE_MS) {
      this.popMin().fire(now);
      if (--budget === 0) {
        now = performance.now();
        budget = 256;
      }
    }
    if (this.times.length > 0) this.arm(now);
  }

  private arm(now: number): void {
    const next = this.times[0] as number;
    if (this.timer) clearTimeout(this.timer);
    this.armedAt = next;
    const delay = next - now - EARLY_TOLERANCE_MS;
    // setTimeout(0) and (1) are the same to Node; a due event waits one loop turn at most.
    this.timer = setTimeout(this.onTimer, delay > 1 ? Math.floor(delay) : 1);
  }
}
