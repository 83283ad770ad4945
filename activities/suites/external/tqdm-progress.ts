// Turns a progress-bar line from an external tool into counts. lm-eval (and vllm bench) draw tqdm bars,
// which rewrite one terminal line with '\r'; the runner splits on '\r' and '\n' and hands each piece here.
// A bar looks like `Requesting API:  37%|███▋      | 37/100 [00:12<00:21,  2.9it/s]`.

export interface BarProgress {
  /** The bar's label (text before the colon), e.g. "Requesting API"; empty when the bar has none. */
  label: string;
  completed: number;
  total: number;
}

// label: optional text up to ':', then percent, the bar between pipes, then "n/total".
const BAR = /^\s*(?:(.*?):\s*)?\d{1,3}%\|[^|]*\|\s*(\d+)\/(\d+)\b/;

export function parseTqdmLine(line: string): BarProgress | undefined {
  const m = BAR.exec(line);
  if (!m) return undefined;
  const completed = Number(m[2]);
  const total = Number(m[3]);
  if (!Number.isSafeInteger(completed) || !Number.isSafeInteger(total) || completed > total) return undefined;
  return { label: (m[1] ?? '').trim(), completed, total };
}

/** Splits streamed output into the pieces a terminal would show: lines and '\r'-rewritten bar states.
 * Keeps the unfinished remainder between chunks. */
export class LineSplitter {
  private rest = '';

  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const parts = text.split(/\r\n|\r|\n/);
    this.rest = parts.pop() ?? '';
    return parts.filter((p) => p.length > 0);
  }

  flush(): string[] {
    const last = this.rest;
    this.rest = '';
    return last ? [last] : [];
  }
}
