// Command logs on stderr: text lines ("level: message key=value") for people, pino JSON lines for machines.
import pino from 'pino';
import { LOG_LEVELS, type LogFormat, type LogLevel } from './log-options.js';

export type Logger = Pick<pino.Logger, 'debug' | 'info' | 'warn' | 'error'>;

/** json: pino lines on stderr. text: "level: message key=value" lines on stderr. */
export function makeLogger(format: LogFormat, level: LogLevel, command: string): Logger {
  if (format === 'json') return pino({ level, base: { command } }, pino.destination({ fd: 2, sync: true }));
  const rank = LOG_LEVELS.indexOf(level);
  const line = (at: LogLevel) => (fields: object, message?: string) => {
    if (LOG_LEVELS.indexOf(at) < rank) return;
    const pairs = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
    process.stderr.write(`${at}: ${message ?? ''}${pairs.length ? ` ${pairs.join(' ')}` : ''}\n`);
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}
