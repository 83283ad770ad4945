// Streams a JSON-lines file one line at a time, so memory stays bounded by the longest line however big
// the file is (lm-eval's samples files reach hundreds of megabytes). A line longer than the cap is an
// error rather than an unbounded buffer.
import { createReadStream } from 'node:fs';
import { InputError } from '../errors.js';
import { formatBytes, parsePythonJson } from './json-input.js';

export const MAX_JSONL_LINE_BYTES = 32 * 1024 * 1024;

/** Calls `onRecord(value, lineNumber)` for every non-blank line, parsed as JSON (Python NaN/Infinity
 * allowed). Errors name the file and line. */
export async function forEachJsonLine(
  file: string,
  onRecord: (value: unknown, line: number) => void,
  maxLineBytes = MAX_JSONL_LINE_BYTES,
): Promise<number> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 0;
  const handle = (bytes: Buffer) => {
    line++;
    const text = bytes.toString('utf8');
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = parsePythonJson(text, `${file} line ${String(line)}`);
    } catch (error) {
      throw error instanceof InputError ? error : new InputError(`${file} line ${String(line)}: ${String(error)}`);
    }
    onRecord(value, line);
  };
  try {
    // A newline byte never occurs inside a multi-byte UTF-8 sequence, so splitting raw bytes is safe.
    for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
      let start = 0;
      for (let nl = chunk.indexOf(10, start); nl !== -1; nl = chunk.indexOf(10, start)) {
        const piece = chunk.subarray(start, nl);
        if (pendingBytes + piece.length > maxLineBytes) throw tooLong(file, line + 1, maxLineBytes);
        handle(pending.length ? Buffer.concat([...pending, piece]) : piece);
        pending = [];
        pendingBytes = 0;
        start = nl + 1;
      }
      if (start < chunk.length) {
        pending.push(chunk.subarray(start));
        pendingBytes += chunk.length - start;
        if (pendingBytes > maxLineBytes) throw tooLong(file, line + 1, maxLineBytes);
      }
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  if (pending.length) handle(Buffer.concat(pending));
  return line;
}

function tooLong(file: string, line: number, maxLineBytes: number): InputError {
  return new InputError(`${file} line ${String(line)}: longer than the ${formatBytes(maxLineBytes)} limit for one JSON line`);
}
