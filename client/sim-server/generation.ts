// One admitted inference request from slot to last byte: streamed token by token on the shared
// timeline, or answered whole when its simulated time is up. Owns the clean-up that must happen exactly
// once however the request ends (finished, fault, client gone, model unloaded): release the decode slot,
// count the outcome, and tell the server (crash_after_requests).
import type { ServerResponse } from 'node:http';
import { ChunkWriter, chunkHead, usageOf } from './chunks.js';
import type { SimContext } from './context.js';
import type { FaultDecision } from './faults.js';
import { SSE_HEADERS, sendJson } from './http.js';
import type { SimModel } from './model.js';
import { collectReply, ReplyCursor, type ReplyPlan } from './reply.js';
import type { SimRequest } from './request.js';
import type { TimelineEvent } from './timeline.js';
import { buildChatBody, buildCompletionBody } from './bodies.js';
import { llamaTimings, type TimingPlan } from './timing.js';

/** Never-ending streams with zero inter-token latency still pace at this interval (ms), not a busy loop. */
const NEVER_ENDING_MIN_ITL_MS = 1;
/** Due-time tolerance matching the timeline's: a token due within this many ms is sent now. */
const TOLERANCE_MS = 0.5;

export class Generation implements TimelineEvent {
  private ended = false;
  private readonly cursor: ReplyCursor;
  private writer: ChunkWriter | undefined;
  /** Set when the server cut the request (model unloaded, server closing), so it is not counted as a client abort. */
  private killed = false;
  private readonly abortHook = () => {
    this.killed = true;
    this.res.destroy();
  };
  private readonly plan: ReplyPlan;
  /** Tokens generated, for the stats (a completions batch sums its prompts' replies). */
  private generated = 0;

  constructor(
    private readonly ctx: SimContext,
    private readonly res: ServerResponse,
    private readonly model: SimModel,
    private readonly request: SimRequest,
    private readonly plans: ReplyPlan[],
    private readonly timing: TimingPlan,
    private readonly faults: FaultDecision,
  ) {
    this.plan = plans[0] as ReplyPlan;
    this.cursor = new ReplyCursor(this.plan);
    model.inflight.add(this.abortHook);
    res.on('close', () => {
      if (!this.ended) this.end(false, !this.killed);
    });
  }

  start(): void {
    if (this.request.stream) this.startStream();
    else if (this.faults.neverEnding) {
      // A never-ending non-streamed request simply never answers; the client's timeout must fire.
      return;
    } else this.ctx.timeline.at(this.responseTime(), this);
  }

  fire(now: number): void {
    if (this.ended) return;
    if (this.request.stream) this.emitDue(now);
    else this.answerWhole();
  }

  private end(completed: boolean, aborted = false): void {
    if (this.ended) return;
    this.ended = true;
    this.model.inflight.delete(this.abortHook);
    this.model.releaseSlot();
    if (completed) this.ctx.stats.completed(this.model.spec.id, this.request.promptTokens, this.request.stream ? this.cursor.emitted : this.generated);
    else this.ctx.stats.failed(this.model.spec.id, aborted);
    this.ctx.requestEnded(this.model);
  }

  /** Cuts the connection as an injected fault (no more bytes, no clean end). */
  private cut(): void {
    this.end(false);
    this.res.destroy();
  }

  // ---- non-streamed ---------------------------------------------------------------------------

  private responseTime(): number {
    // Walk the timeline to the last token so the reply arrives when the simulated decode ends. A batch
    // of prompts decodes side by side: it takes as long as its longest reply.
    const n = Math.max(...this.plans.map((p) => p.tokens));
    for (let i = 1; i < n; i++) this.timing.advance();
    return this.timing.nextAt;
  }

  private answerWhole(): void {
    if (this.faults.crashAfterTokens >= 0) {
      this.ctx.crash(`crash_after_tokens on request ${this.model.requestCount} of ${this.model.spec.id}`);
      return;
    }
    if (this.faults.disconnectAfter >= 0) { this.cut(); return; }
    this.generated = this.plans.reduce((sum, p) => sum + p.tokens, 0);
    const usage = usageOf(this.request.promptTokens, this.generated);
    const timings = llamaTimings(this.request.promptTokens, this.timing.promptMs, this.generated, this.timing.predictedMs);
    const id = this.ctx.nextResponseId();
    const created = Math.floor(Date.now() / 1000);
    const body =
      this.request.kind === 'chat'
        ? buildChatBody(id, created, this.model.spec, this.plan, collectReply(this.plan), usage, timings)
        : buildCompletionBody(id, created, this.model.spec, this.request, this.plans, usage, timings);
    sendJson(this.res, 200, body);
    this.end(true);
  }

  // ---- streamed -------------------------------------------------------------------------------

  private startStream(): void {
    const id = this.ctx.nextResponseId();
    const created = Math.floor(Date.now() / 1000);
    const chat = this.request.kind === 'chat';
    const head = chunkHead(chat ? `chatcmpl-sim-${id}` : `cmpl-sim-${id}`, chat ? 'chat.completion.chunk' : 'text_completion', created, this.model.spec.id);
    this.writer = new ChunkWriter(head, chat, this.model.spec.reasoning.field, this.plan.toolCalls);
    this.res.writeHead(200, SSE_HEADERS);
    if (this.faults.disconnectAfter === 0) {
      // Headers, then nothing: the connection drops before the first token.
      this.res.flushHeaders();
      setImmediate(() => this.cut());
      return;
    }
    if (this.timing.zeroDelay && !this.faults.neverEnding) {
      // Zero simulated delay: the whole stream in one write (the throughput-calibration case).
      this.emitDue(Infinity);
      return;
    }
    // Headers go out now, as real servers do, so time-to-first-byte and time-to-first-token differ.
    this.res.flushHeaders();
    this.ctx.timeline.at(this.timing.nextAt, this);
  }

  private emitDue(now: number): void {
    const writer = this.writer as ChunkWriter;
    const cursor = this.cursor;
    const total = this.plan.tokens;
    const neverEnding = this.faults.neverEnding;
    // Lateness is measured against the real clock at send time, not the batch's `now`.
    const timed = now !== Infinity;
    const sendTime = timed ? performance.now() : 0;
    const stats = this.ctx.stats;
    let out = '';
    while (this.timing.nextAt <= now + TOLERANCE_MS) {
      if (cursor.emitted >= total) {
        // Everything sent: the finish chunk goes out with the last token (same due time).
        const usage = usageOf(this.request.promptTokens, cursor.emitted);
        const timings = llamaTimings(this.request.promptTokens, this.timing.promptMs, cursor.emitted, this.timing.predictedMs);
        out += writer.finish(this.plan.finishReason, usage, timings, this.request.includeUsage, this.model.spec.usage_twice);
        this.res.end(out);
        this.end(true);
        return;
      }
      cursor.next();
      out += writer.token(cursor);
      if (timed) stats.emitted(sendTime - this.timing.nextAt);
      const sent = cursor.emitted;
      if (sent === this.faults.disconnectAfter) {
        // Cut only once the tokens before the cut have really left, so the client sees exactly N.
        this.res.write(out, () => this.cut());
        return;
      }
      if (sent === this.faults.crashAfterTokens) {
        const reason = `crash_after_tokens (${sent}) on request ${this.model.requestCount} of ${this.model.spec.id}`;
        this.res.write(out, () => this.ctx.crash(reason));
        return;
      }
      if (sent < total) {
        const previous = this.timing.nextAt;
        this.timing.advance();
        if (neverEnding && this.timing.nextAt < previous + NEVER_ENDING_MIN_ITL_MS) this.timing.nextAt = previous + NEVER_ENDING_MIN_ITL_MS;
      }
    }
    if (!this.res.write(out) && neverEnding) {
      // A slow reader of an endless stream: stop producing until it drains, so memory stays bounded.
      this.res.once('drain', () => {
        if (this.ended) return;
        // Re-time from now: the reader was the bottleneck, and catching up would only refill the buffer.
        this.timing.nextAt = Math.max(this.timing.nextAt, performance.now());
        this.ctx.timeline.at(this.timing.nextAt, this);
      });
      return;
    }
    this.ctx.timeline.at(this.timing.nextAt, this);
  }
}
