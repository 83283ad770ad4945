// Pure parsers for the memory figures the OS prints (macOS vm_stat / sysctl vm.swapusage / ps, Linux
// /proc) and the process-tree arithmetic on top of them. No I/O here, so every rule is unit-tested on
// canned output from both systems.

/** One process as the sampler sees it. `argv` is exact on Linux (/proc/<pid>/cmdline); on macOS ps only
 * gives the space-joined `args`, so matching works on that string. */
export interface ProcessEntry {
  pid: number;
  ppid: number;
  /** Resident set size in KiB (filled for the processes whose memory is summed). */
  rssKb?: number;
  /** Command line, arguments joined by single spaces. */
  args: string;
  argv?: string[];
  /** Kernel's short name (Linux comm), when known. */
  comm?: string;
}

/** Byte counts from `vm_stat`: pages × the page size it announces in its first line. */
export interface VmStat {
  pageSize: number;
  freeBytes: number;
  activeBytes: number;
  inactiveBytes: number;
  speculativeBytes: number;
  wiredBytes: number;
  compressorBytes: number;
}

export function parseVmStat(text: string): VmStat {
  const pageSize = Number(/page size of (\d+) bytes/.exec(text)?.[1]);
  if (!Number.isFinite(pageSize) || pageSize <= 0) throw new Error('vm_stat output has no "page size of N bytes" line');
  const pages = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [, key, count] = /^"?([^":]+)"?:\s+(\d+)\.?\s*$/.exec(line.trim()) ?? [];
    if (key !== undefined) pages.set(key.trim().toLowerCase(), Number(count));
  }
  const bytes = (key: string) => (pages.get(key) ?? 0) * pageSize;
  if (!pages.has('pages free') || !pages.has('pages wired down')) {
    throw new Error('vm_stat output lacks "Pages free" / "Pages wired down"');
  }
  return {
    pageSize,
    freeBytes: bytes('pages free'),
    activeBytes: bytes('pages active'),
    inactiveBytes: bytes('pages inactive'),
    speculativeBytes: bytes('pages speculative'),
    wiredBytes: bytes('pages wired down'),
    compressorBytes: bytes('pages occupied by compressor'),
  };
}

/**
 * Memory a new allocation can get without swapping, on macOS: free + speculative + inactive pages
 * (inactive pages are reclaimed before anything is swapped). "Pages free" alone is misleadingly small
 * on a Mac that has been running for a while.
 */
export function macAvailableBytes(vm: VmStat): number {
  return vm.freeBytes + vm.speculativeBytes + vm.inactiveBytes;
}

/** `sysctl vm.swapusage` → bytes of swap in use ("used = 1077.25M"; units K, M or G). */
export function parseSwapUsage(text: string): number {
  const m = /used\s*=\s*([\d.]+)([KMGT])?/i.exec(text);
  if (!m) throw new Error(`sysctl vm.swapusage output not understood: ${text.trim().slice(0, 120)}`);
  const unit = (m[2] ?? '').toUpperCase();
  const scale = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[unit] ?? 1;
  return Number(m[1]) * scale;
}

/** /proc/meminfo → the fields we report, in bytes. */
export function parseMeminfo(text: string): { availableBytes: number; freeBytes: number; swapUsedBytes: number } {
  const kb = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [, key, count] = /^(\w+(?:\(\w+\))?):\s+(\d+)(?:\s+kB)?/.exec(line) ?? [];
    if (key !== undefined) kb.set(key, Number(count));
  }
  const get = (key: string) => kb.get(key);
  const free = get('MemFree');
  if (free === undefined) throw new Error('/proc/meminfo lacks MemFree');
  // Kernels before 3.14 have no MemAvailable; free + page cache is the old approximation.
  const available = get('MemAvailable') ?? free + (get('Cached') ?? 0) + (get('Buffers') ?? 0);
  const swapUsed = (get('SwapTotal') ?? 0) - (get('SwapFree') ?? 0);
  return { availableBytes: available * 1024, freeBytes: free * 1024, swapUsedBytes: Math.max(0, swapUsed) * 1024 };
}

/** `ps -A -o pid=,ppid=,rss=,args=` (macOS and any POSIX ps) → process entries. */
export function parsePs(text: string): ProcessEntry[] {
  const out: ProcessEntry[] = [];
  for (const line of text.split('\n')) {
    const [, pid, ppid, rssKb, args] = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line) ?? [];
    if (args === undefined) continue;
    out.push({ pid: Number(pid), ppid: Number(ppid), rssKb: Number(rssKb), args: args.trim() });
  }
  return out;
}

/**
 * /proc/<pid>/stat → ppid and comm. The comm field is in parentheses and may itself contain spaces and
 * parentheses, so fields are counted from the LAST ")".
 */
export function parseProcStat(text: string): { pid: number; ppid: number; comm: string } | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 1).trim().split(/\s+/);
  const ppid = Number(rest[1]);
  if (!Number.isInteger(pid) || !Number.isInteger(ppid)) return undefined;
  return { pid, ppid, comm: text.slice(open + 1, close) };
}

/** /proc/<pid>/status → VmRSS in KiB (absent for kernel threads and zombies). */
export function parseStatusRssKb(text: string): number | undefined {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** /proc/<pid>/status → the kernel's short name (the same as comm in /proc/<pid>/stat). */
export function parseStatusName(text: string): string | undefined {
  return /^Name:\t(.*)$/m.exec(text)?.[1];
}

/** /proc/<pid>/cmdline (NUL-separated) → argv. */
export function parseCmdline(raw: string): string[] {
  return raw.split('\0').filter((part) => part.length > 0);
}

/** Every pid in the trees rooted at `roots` (roots included), each once. */
export function processTree(table: ProcessEntry[], roots: number[]): number[] {
  const children = new Map<number, number[]>();
  for (const p of table) {
    if (p.pid === p.ppid) continue;
    const list = children.get(p.ppid) ?? [];
    list.push(p.pid);
    children.set(p.ppid, list);
  }
  const present = new Set(table.map((p) => p.pid));
  const seen = new Set<number>();
  const stack = roots.filter((pid) => present.has(pid));
  let pid: number | undefined;
  while ((pid = stack.pop()) !== undefined) {
    if (seen.has(pid)) continue;
    seen.add(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return [...seen];
}

/** Of the matching pids, those whose parent does not match too (a server and its workers count once). */
export function topmost(table: ProcessEntry[], matching: Set<number>): number[] {
  const byPid = new Map(table.map((p) => [p.pid, p]));
  return [...matching].filter((pid) => {
    let parent = byPid.get(pid)?.ppid;
    const guard = new Set<number>();
    while (parent !== undefined && parent > 0 && !guard.has(parent)) {
      if (matching.has(parent)) return false;
      guard.add(parent);
      parent = byPid.get(parent)?.ppid;
    }
    return true;
  });
}

/**
 * Splits a llama-swap `cmd` the way it does before exec: line by line, `#` comment lines dropped and
 * trailing continuation backslashes removed, then shell-like words with single/double quotes and backslash escapes.
 */
export function splitCommand(cmd: string): string[] {
  const joined = cmd
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .map((line) => (line.trim().endsWith('\\') ? `${line.trim().slice(0, -1)} ` : line))
    .join('\n');
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < joined.length; i++) {
    const c = joined.charAt(i);
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < joined.length) word += joined.charAt(++i);
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < joined.length) {
      word += joined.charAt(++i);
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

const basename = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/**
 * Does this process run the command llama-swap started? The program is compared by basename (llama-swap
 * resolves it through PATH; ps may show either form) and the arguments exactly. A script started
 * through its shebang shows up with the interpreter in front (`python3 /venv/bin/mlx_lm.server …`), so
 * the program may also be the second word.
 */
export function matchesCommand(entry: ProcessEntry, words: string[]): boolean {
  const [first, ...args] = words;
  if (first === undefined) return false;
  const program = basename(first);
  if (entry.argv) {
    for (const k of [0, 1]) {
      const p = entry.argv[k];
      if (p !== undefined && basename(p) === program && entry.argv.slice(k + 1).join('\0') === args.join('\0')) {
        return true;
      }
    }
    return false;
  }
  const tail = args.join(' ');
  if (tail && !entry.args.endsWith(` ${tail}`)) return false;
  const head = (tail ? entry.args.slice(0, entry.args.length - tail.length) : entry.args).trim().split(' ');
  return head.length <= 2 && head.some((w) => basename(w) === program);
}

/** Does this process go by `name` (kernel name, program basename, or a word of its command line)? */
export function matchesName(entry: ProcessEntry, name: string): boolean {
  if (entry.comm === name) return true;
  const words = entry.argv ?? entry.args.split(' ');
  if (words[0] !== undefined && basename(words[0]) === name) return true;
  // `python -m mlx_lm.server`, `uv run vllm-mlx serve`: the server's name is a later word.
  return words.slice(1).some((w) => w === name || basename(w) === name);
}

/**
 * /proc/net/tcp or tcp6 → socket inodes LISTENing on one of `ports`. Columns: sl, local_address
 * (hex IP:hex port), rem_address, st (0A = LISTEN), tx:rx queue, tr:when, retrnsmt, uid, timeout, inode.
 */
export function parseListeningInodes(text: string, ports: number[]): number[] {
  const wanted = new Set(ports);
  const out: number[] = [];
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    const local = cols[1];
    if (cols.length < 10 || cols[3] !== '0A' || local === undefined) continue;
    const port = parseInt(local.split(':').pop() ?? '', 16);
    const inode = Number(cols[9]);
    if (wanted.has(port) && inode > 0) out.push(inode);
  }
  return out;
}
