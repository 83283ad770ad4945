// Finds the line of a key in TOML source, so a schema error can say "file:12" instead of a JSON pointer.
// Not a TOML parser (smol-toml does the parsing): it follows table headers, arrays of tables and
// `key =` lines, which is where every key a config error can name is written.

/** Maps a dotted path ("ttft.prompt_tokens", "cells.1.model") to the 1-based line that defines it. */
export function keyLines(source: string): Map<string, number> {
  const lines = new Map<string, number>();
  const arrayCounts = new Map<string, number>();
  let table: string[] = [];
  source.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const arrayHeader = /^\[\[\s*(.+?)\s*\]\]/.exec(line)?.[1];
    if (arrayHeader !== undefined) {
      const parts = splitKey(arrayHeader);
      const base = [...resolveTable(parts.slice(0, -1), arrayCounts), ...parts.slice(-1)];
      const name = base.join('.');
      const index = arrayCounts.get(name) ?? 0;
      arrayCounts.set(name, index + 1);
      table = [...base, String(index)];
      lines.set(name, lines.get(name) ?? i + 1);
      lines.set(table.join('.'), i + 1);
      return;
    }
    const header = /^\[\s*(.+?)\s*\]/.exec(line)?.[1];
    if (header !== undefined) {
      table = resolveTable(splitKey(header), arrayCounts);
      lines.set(table.join('.'), i + 1);
      return;
    }
    const assignment = /^((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=/.exec(line)?.[1];
    if (assignment !== undefined) {
      const key = [...table, ...splitKey(assignment)];
      for (let n = table.length + 1; n <= key.length; n++) {
        const path = key.slice(0, n).join('.');
        if (!lines.has(path)) lines.set(path, i + 1);
      }
    }
  });
  return lines;
}

/** The line for a path, or for its nearest ancestor that is written in the file. */
export function lineOf(lines: Map<string, number>, path: string[]): number | undefined {
  for (let n = path.length; n > 0; n--) {
    const line = lines.get(path.slice(0, n).join('.'));
    if (line !== undefined) return line;
  }
  return undefined;
}

function splitKey(key: string): string[] {
  const parts: string[] = [];
  const re = /\s*("([^"]*)"|'([^']*)'|[A-Za-z0-9_-]+)\s*(?:\.|$)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(key)) !== null && m[0] !== '') {
    // Group 1 (the whole key part) always takes part in a match; 2 and 3 are its unquoted forms.
    const part = m[2] ?? m[3] ?? m[1];
    if (part !== undefined) parts.push(part);
  }
  return parts;
}

// A [a.b] header under an array of tables [[a]] refers to the latest element of that array.
function resolveTable(parts: string[], arrayCounts: Map<string, number>): string[] {
  const out: string[] = [];
  for (const part of parts) {
    out.push(part);
    const count = arrayCounts.get(out.join('.'));
    if (count !== undefined) out.push(String(count - 1));
  }
  return out;
}
