// Reads the process table with the memory of each process: /proc on Linux (exact argv, no ps needed),
// `ps` elsewhere (macOS). RSS is read only for the processes the caller asks about, because on Linux
// that is one extra file per process. `readRssOf` reads the RSS of known pids alone, without the table:
// what the peak sampler does every second.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { parseCmdline, parseProcStat, parsePs, parseStatusName, parseStatusRssKb, type ProcessEntry } from './parse.js';

export async function readProcessTable(): Promise<ProcessEntry[]> {
  return process.platform === 'linux' ? readProc() : readPs();
}

/** Fills `rssKb` for the given pids (Linux reads /proc/<pid>/status; ps already filled it). */
export async function withRss(table: ProcessEntry[], pids: number[]): Promise<ProcessEntry[]> {
  const wanted = new Set(pids);
  const chosen = table.filter((p) => wanted.has(p.pid));
  if (process.platform !== 'linux') return chosen;
  await Promise.all(
    chosen.map(async (p) => {
      const status = await readFile(`/proc/${p.pid}/status`, 'utf8').catch(() => '');
      p.rssKb = parseStatusRssKb(status) ?? 0; // a process that exited between reads holds no memory
    }),
  );
  return chosen;
}

async function readProc(): Promise<ProcessEntry[]> {
  const names = await readdir('/proc');
  const entries = await Promise.all(
    names
      .filter((n) => /^\d+$/.test(n))
      .map(async (n): Promise<ProcessEntry | undefined> => {
        try {
          const [stat, cmdline] = await Promise.all([
            readFile(`/proc/${n}/stat`, 'utf8'),
            readFile(`/proc/${n}/cmdline`, 'utf8'),
          ]);
          const parsed = parseProcStat(stat);
          if (!parsed) return undefined;
          const argv = parseCmdline(cmdline);
          return { pid: parsed.pid, ppid: parsed.ppid, comm: parsed.comm, argv, args: argv.join(' ') };
        } catch {
          return undefined; // exited while we were reading
        }
      }),
  );
  return entries.filter((e): e is ProcessEntry => e !== undefined);
}

function readPs(): Promise<ProcessEntry[]> {
  return new Promise((resolve, reject) => {
    execFile(
      'ps',
      ['-A', '-o', 'pid=,ppid=,rss=,args='],
      { timeout: 10_000, maxBuffer: 32 * 1024 * 1024, killSignal: 'SIGKILL' },
      (error, stdout) => (error ? reject(new Error(`ps failed: ${error.message}`)) : resolve(parsePs(stdout))),
    );
  });
}

/**
 * RSS in KiB of each of `entries` now, or undefined when one of them has gone (exited, or its pid now
 * belongs to a process of another name). Linux reads /proc/<pid>/status synchronously: procfs is
 * generated in the kernel without disk I/O, and a synchronous read costs ~0.02 ms of CPU where an
 * asynchronous one (thread pool, promises) costs ~0.2 ms. macOS runs one `ps -o pid=,rss= -p …`.
 */
export async function readRssOf(entries: readonly ProcessEntry[]): Promise<Map<number, number> | undefined> {
  if (entries.length === 0) return new Map();
  return process.platform === 'linux' ? linuxRssOf(entries) : psRssOf(entries);
}

function linuxRssOf(entries: readonly ProcessEntry[]): Map<number, number> | undefined {
  const out = new Map<number, number>();
  for (const entry of entries) {
    let status: string;
    try {
      status = readFileSync(`/proc/${entry.pid}/status`, 'utf8');
    } catch {
      return undefined;
    }
    if (entry.comm !== undefined && parseStatusName(status) !== entry.comm) return undefined;
    out.set(entry.pid, parseStatusRssKb(status) ?? 0); // a zombie holds no memory
  }
  return out;
}

function psRssOf(entries: readonly ProcessEntry[]): Promise<Map<number, number> | undefined> {
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'pid=,ppid=,rss=,args=', '-p', entries.map((e) => e.pid).join(',')], { timeout: 10_000, killSignal: 'SIGKILL' }, (_error, stdout) => {
      // ps exits 1 when a listed pid is gone; what it printed still counts.
      const rows = new Map(parsePs(stdout).map((p) => [p.pid, p.rssKb ?? 0]));
      resolve(entries.every((e) => rows.has(e.pid)) ? rows : undefined);
    });
  });
}