// Reads the process table with the memory of each process: /proc on Linux (exact argv, no ps needed),
// `ps` elsewhere (macOS). RSS is read only for the processes the caller asks about, because on Linux
// that is one extra file per process.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { parseCmdline, parseProcStat, parsePs, parseStatusRssKb, type ProcessEntry } from './parse.js';

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
