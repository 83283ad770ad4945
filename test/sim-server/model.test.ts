// Pure logic of the simulated model: the continuous-batching rate rule, slot queueing, prefill time,
// the shared timeline's ordering, and the planned timeline's jitter bounds.
import { describe, expect, it } from 'vitest';
import { parseSimConfig } from '../../client/sim-server/config.js';
import { SimModel } from '../../client/sim-server/model.js';
import { Timeline } from '../../client/sim-server/timeline.js';
import { TimingPlan, llamaTimings } from '../../client/sim-server/timing.js';

const noEvents = { onLoaded: () => undefined, onLoadFailed: () => undefined };

function simModel(extra: Record<string, unknown>): SimModel {
  const spec = parseSimConfig({ models: [{ id: 'sim-m', ...extra }] }).models[0];
  if (!spec) throw new Error('no model');
  return new SimModel(spec, 1, noEvents);
}

describe('continuous batching', () => {
  it('slows each request by slowdown per extra concurrent request, so aggregate throughput rises and flattens', () => {
    const m = simModel({ decode_tokens_per_second: 100, batching: { slots: 16, slowdown: 0.25 } });
    const aggregate: number[] = [];
    for (let k = 1; k <= 16; k++) {
      expect(m.acquireSlot()).toBeUndefined();
      const itl = m.itlMs();
      expect(itl).toBeCloseTo(10 * (1 + 0.25 * (k - 1)), 9);
      aggregate.push((k * 1000) / itl);
    }
    for (let i = 1; i < aggregate.length; i++) expect(aggregate[i]).toBeGreaterThan(aggregate[i - 1] as number);
    // Bounded by rate / slowdown = 400 tok/s.
    expect(aggregate[15]).toBeLessThan(400);
  });

  it('queues beyond the slots in FIFO order and hands a freed slot to the next waiter', async () => {
    const m = simModel({ batching: { slots: 1 } });
    expect(m.acquireSlot()).toBeUndefined();
    const order: number[] = [];
    const w1 = m.acquireSlot()?.then(() => order.push(1));
    const w2 = m.acquireSlot()?.then(() => order.push(2));
    expect(m.canAdmit()).toBe(true);
    m.releaseSlot();
    await w1;
    expect(m.active).toBe(1);
    m.releaseSlot();
    await w2;
    expect(order).toEqual([1, 2]);
    m.releaseSlot();
    expect(m.active).toBe(0);
    const rejecting = simModel({ batching: { slots: 1, queue: 'reject' } });
    expect(rejecting.acquireSlot()).toBeUndefined();
    expect(rejecting.canAdmit()).toBe(false);
  });

  it('computes prefill as base TTFT plus prompt tokens at the prefill rate (0 = instant)', () => {
    expect(simModel({ ttft_ms: 20, prefill_tokens_per_second: 1000 }).prefillMs(500)).toBe(520);
    expect(simModel({ ttft_ms: 20 }).prefillMs(500)).toBe(20);
    expect(simModel({}).itlMs()).toBe(0);
  });
});

describe('timeline and timing plan', () => {
  it('fires events in due-time order regardless of insertion order', async () => {
    const tl = new Timeline();
    const fired: number[] = [];
    const base = performance.now();
    await new Promise<void>((resolve) => {
      const offsets = [9, 3, 7, 1, 5, 2, 8, 4, 6, 0];
      for (const o of offsets) {
        tl.at(base + o * 3, {
          fire: () => {
            fired.push(o);
            if (fired.length === offsets.length) resolve();
          },
        });
      }
    });
    expect(fired).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(tl.size).toBe(0);
  });

  it('plans tokens on an absolute timeline with jitter bounded by ±j', () => {
    const plan = new TimingPlan(1000, 50, 10, 0.1, 42);
    expect(plan.promptMs).toBeGreaterThanOrEqual(45);
    expect(plan.promptMs).toBeLessThanOrEqual(55);
    let previous = plan.nextAt;
    for (let i = 0; i < 1000; i++) {
      const at = plan.advance();
      expect(at - previous).toBeGreaterThanOrEqual(9);
      expect(at - previous).toBeLessThanOrEqual(11);
      previous = at;
    }
    expect(plan.nextAt).toBeCloseTo(1000 + plan.promptMs + plan.predictedMs, 6);
    const again = new TimingPlan(1000, 50, 10, 0.1, 42);
    for (let i = 0; i < 1000; i++) again.advance();
    expect(again.nextAt).toBe(plan.nextAt);
  });

  it('derives llama.cpp timings, with null rates for zero durations', () => {
    expect(llamaTimings(100, 50, 11, 100)).toEqual({
      cache_n: 0,
      prompt_n: 100,
      prompt_ms: 50,
      prompt_per_token_ms: 0.5,
      prompt_per_second: 2000,
      predicted_n: 11,
      predicted_ms: 100,
      predicted_per_token_ms: 100 / 11,
      predicted_per_second: 110,
    });
    expect(llamaTimings(5, 0, 1, 0)).toMatchObject({ prompt_per_second: null, predicted_per_second: null });
  });
});
