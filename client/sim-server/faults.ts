// Per-request fault decisions. Every draw comes from the model's seeded stream for the request's
// ordinal, always in the same order, so with a given seed the n-th request to a model meets the same
// fault on every run (a 30 % error rate fails the same requests each time).
import type { FaultSpec } from './config.js';
import { PURPOSE_FAULTS, PURPOSE_TOOLS, type SimModel } from './model.js';

export interface FaultDecision {
  /** HTTP status to answer with instead of a reply (429 or 5xx), 0 for none. */
  status: number;
  /** Tokens after which the connection is cut (-1 = never). */
  disconnectAfter: number;
  neverEnding: boolean;
  /** Exit the process on arrival of this request. */
  crashNow: boolean;
  /** Exit the process after this many tokens of this request (-1 = never). */
  crashAfterTokens: number;
  /** Uniform draw for the tool-call rate (kept here so every per-request draw has one home). */
  toolDraw: number;
}

export function decideFaults(model: SimModel, ordinal: number): FaultDecision {
  const f: FaultSpec = model.faults;
  const rng = model.rngFor(PURPOSE_FAULTS, ordinal);
  // Draw all four numbers every time, so changing one rate does not reshuffle the others.
  const uRateLimit = rng.next();
  const uError = rng.next();
  const uDisconnect = rng.next();
  const uNeverEnding = rng.next();
  let status = 0;
  if (uRateLimit < f.rate_limit_rate) status = 429;
  else if (uError < f.error_rate) status = f.error_status;
  const crashHere = f.crash_on_request > 0 && ordinal === f.crash_on_request;
  return {
    status,
    disconnectAfter: uDisconnect < f.disconnect_rate ? f.disconnect_after_tokens : -1,
    neverEnding: uNeverEnding < f.never_ending_rate,
    crashNow: crashHere && f.crash_after_tokens === 0,
    crashAfterTokens: crashHere && f.crash_after_tokens > 0 ? f.crash_after_tokens : -1,
    toolDraw: model.rngFor(PURPOSE_TOOLS, ordinal).next(),
  };
}
