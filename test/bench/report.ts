// What every benchmark writes with its figures: the machine, the date and its load, and its section of
// docs/performance.md between `<!-- name:start -->` / `<!-- name:end -->` markers (replaced on a re-run).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { join } from 'node:path';

/** One line: CPU, cores, memory, OS, Node, date and the 1-minute load average now. */
export function machineLine(): string {
  return (
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB, ${osType()} ${release()}, Node ${process.version}; 1-minute load average ${(loadavg()[0] ?? 0).toFixed(2)}.`
  );
}

/** Replaces (or appends) this benchmark's marked section of docs/performance.md. */
export function writeSection(name: string, markdown: string): void {
  const path = join(process.cwd(), 'docs', 'performance.md');
  const section = `<!-- ${name}:start -->\n${markdown.trim()}\n<!-- ${name}:end -->\n`;
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Performance\n';
  const marked = new RegExp(`<!-- ${name}:start -->[\\s\\S]*?<!-- ${name}:end -->\\n?`);
  writeFileSync(path, marked.test(current) ? current.replace(marked, section) : `${current.trimEnd()}\n\n${section}`);
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
