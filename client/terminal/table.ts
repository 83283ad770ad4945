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
