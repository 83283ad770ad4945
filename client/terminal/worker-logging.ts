// The worker's log lines (the Temporal SDK's and the activities') in the CLI's one log format: text lines
// or pino JSON lines on stderr, at the chosen level, instead of the SDK's multi-line object dumps between
// Nightshift's own lines. Loaded only by `nightshift worker`, which loads the worker SDK anyway.
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import type { LogFormat, LogLevel } from './log-options.js';
import { makeLogger } from './logger.js';

const SDK_LEVEL = { debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR' } as const;

export function installWorkerLogging(format: LogFormat, level: LogLevel): void {
  const log = makeLogger(format, level, 'worker');
  const write = (entry: LogEntry): void => {
    const at = entry.level === 'TRACE' ? 'debug' : (entry.level.toLowerCase() as LogLevel);
    log[at](plain(entry.meta ?? {}), entry.message);
  };
  Runtime.install({ logger: new DefaultLogger(SDK_LEVEL[level], write) });
}

/** Metadata as plain values: errors as their message, bigints as strings (neither survives JSON as is). */
function plain(meta: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(meta).map(([k, v]) => [k, v instanceof Error ? v.message : typeof v === 'bigint' ? v.toString() : v]),
  );
}
