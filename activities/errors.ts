// Error classes shared by activities and the CLI. Each carries the exit code the CLI uses for it, so a
// command can let them propagate and main() maps them once (0 ok, 1 unexpected, 2 bad input or
// arguments, 3 schema invalid, 4 publish failed, 5 ran but some pairs or cells failed).

/** Exit code of a command that ran to the end but some of its work failed (a sweep's pairs, a run's cells). */
export const EXIT_PAIRS_FAILED = 5;
/** `sweep start --wait` (and the demo): the sweep was cancelled before it finished. */
export const EXIT_CANCELLED = 6;

export class NightshiftError extends Error {
  readonly exitCode: number = 1;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Unreadable, truncated or unsuitable input, or bad command-line arguments. */
export class InputError extends NightshiftError {
  override readonly exitCode = 2;
}

/** One thing wrong with a configuration: where (a file and line, or e.g. "suiteConfig.ttft"), which key, what. */
export interface ConfigProblem {
  source: string;
  /** Dotted key path, e.g. "concurrency" or "models.1.name"; "" for the whole config. */
  key: string;
  line?: number;
  message: string;
}

/** Configuration that cannot work (bad TOML, unknown keys, wrong types); `problems` lists each one. */
export class ConfigError extends NightshiftError {
  override readonly exitCode = 2;
  readonly problems: readonly ConfigProblem[];
  constructor(message: string, options?: { cause?: unknown; problems?: readonly ConfigProblem[] }) {
    super(message, options);
    this.problems = options?.problems ?? [];
  }
}

/** An envelope that does not satisfy schema.json. */
export class SchemaError extends NightshiftError {
  override readonly exitCode = 3;
  constructor(
    message: string,
    readonly issues: ReadonlyArray<{ path: string; rule: string; message: string }> = [],
  ) {
    super(message);
  }
}

/** Writing a shard to the dataset (local or hub) failed. */
export class PublishError extends NightshiftError {
  override readonly exitCode = 4;
}

/** The message of anything thrown: an Error's (or an error-like object's) `message`, else the value as text. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') return error.message;
  return String(error);
}
