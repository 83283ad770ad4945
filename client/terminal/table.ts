// The one way the CLI draws a table: cli-table3 colours headers and borders by default, whatever the
// output is, so colour is switched off unless the stream is a terminal and NO_COLOR (no-color.org) is unset.
import Table from 'cli-table3';

interface Stream {
  isTTY?: boolean;
}

export function colourWanted(stream: Stream = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env.NO_COLOR ?? '') === '';
}

export function terminalTable(options: Table.TableConstructorOptions, stream: Stream = process.stdout, env: NodeJS.ProcessEnv = process.env): Table.Table {
  if (colourWanted(stream, env)) return new Table(options);
  return new Table({ ...options, style: { ...options.style, head: [], border: [] } });
}

/** `text` in at most `max` characters, cut in the middle: model ids differ at both ends (org, size, quant). */
export function shortenMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return text.slice(0, max);
  const keep = max - 1;
  const head = Math.ceil(keep / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}

/** Column widths that fit `width` (borders and padding take 3 characters per column plus 1): the columns in
 * `giveWay` shrink in that order, each down to its least width. Undefined width (not a terminal): as wide as
 * the cells. */
export function fitWidths(head: readonly string[], rows: readonly (readonly string[])[], width: number | undefined, giveWay: ReadonlyArray<readonly [column: number, least: number]>): number[] {
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  if (width === undefined) return widths;
  let over = widths.reduce((a, b) => a + b, 0) + 3 * widths.length + 1 - width;
  for (const [c, least] of giveWay) {
    if (over <= 0) break;
    const give = Math.min(over, Math.max(0, (widths[c] ?? 0) - least));
    widths[c] = (widths[c] ?? 0) - give;
    over -= give;
  }
  return widths;
}

/** A table whose cells are shortened in the middle to fitWidths' answer. */
export function fittedTable(head: readonly string[], rows: readonly (readonly string[])[], width: number | undefined, giveWay: ReadonlyArray<readonly [column: number, least: number]>, stream: Stream = process.stdout, env: NodeJS.ProcessEnv = process.env): string {
  const widths = fitWidths(head, rows, width, giveWay);
  const table = terminalTable({ head: [...head] }, stream, env);
  for (const r of rows) table.push(r.map((cell, c) => shortenMiddle(cell, widths[c] ?? cell.length)));
  return table.toString();
}

/** The terminal's width when stdout is one; undefined for pipes and files (they get every character). */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number | undefined {
  return stream.isTTY === true ? stream.columns : undefined;
}
