// The contract every suite implements, so the same function runs standalone from the CLI and as a
// heartbeating, resumable Temporal activity (the activity wrapper turns onProgress into heartbeats and
// hands in the journal and cancellation signal).
import type { EnvelopeResult, GenKwargs, Suite, SystemInfo } from '../../workflows/shared/envelope.js';
import type { Journal } from '../journal/journal.js';

export interface SuiteProgress {
  completed: number;
  total: number;
  /** Small key naming the last finished unit of work (never results; heartbeat details stay small). */
  checkpoint?: string;
  /** Human-readable position, e.g. "p512 c4 3/10"; used in activity summaries and progress bars. */
  detail?: string;
}

export interface SuiteContext<Config = unknown> {
  /** The suite being run (its catalog declaration's name: the envelope's `suite`). */
  suite: Suite;
  /** OpenAI-compatible base URL, e.g. http://127.0.0.1:11434 (with or without /v1). */
  endpoint: string;
  model: string;
  config: Config;
  signal: AbortSignal;
  onProgress: (progress: SuiteProgress) => void;
  /** Finished samples of earlier attempts; a suite appends each finished sample and skips what is here. */
  journal: Journal;
  /** Directory owned by this (run, model, suite) for logs, caches and tool output. */
  workDir: string;
}

export interface SuiteOutcome {
  results: EnvelopeResult[];
  genKwargs?: GenKwargs;
  seed?: number;
  /** Non-fatal problems worth keeping in the envelope's `errors`. */
  errors: string[];
  /** Set when the suite could not run at all (e.g. the tool is not installed): why, and how to fix it. */
  skipped?: { reason: string };
  /** Set when part of the suite produced no measurement (e.g. a cell whose every request failed): what
   * was measured is published, and the pair counts as failed with this reason, never as passed. */
  incomplete?: { reason: string };
  /** Host facts only the suite knows (e.g. the lm-eval version it ran), merged into the envelope's system. */
  system?: Partial<SystemInfo>;
}

/** What a suite that runs an external tool returns: the tool's output file, which the catalog's converter
 * for that suite turns into results (activities/suites/run-declared.ts). */
export interface ToolOutput {
  toolOutput: string;
  /** Non-fatal problems worth keeping in the envelope's `errors`. */
  errors: string[];
  /** Versions the tool reported (e.g. lm_eval_version), merged into the envelope's system. */
  system?: Partial<SystemInfo>;
}

export type SuiteRunner<Config = unknown> = (context: SuiteContext<Config>) => Promise<SuiteOutcome | ToolOutput>;
