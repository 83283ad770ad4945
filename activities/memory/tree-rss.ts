// The RSS of a known process tree, read as cheaply as the peak sampler needs: reading every process on
// the host each second cost more than the measurement (a port target also walks every process's open
// sockets; figures in docs/performance.md, `npm run bench:memory`). So the server's processes
// are found once — the roots (by pid, name, command or listening port) and their descendants — and each
// sample then reads only those pids' RSS (/proc/<pid>/status, or one `ps -p` on macOS). The descendants
// are looked up again from the process table every TREE_REFRESH_MS (a server may start workers, e.g.
// Ollama's model runner) or at once when one of them is gone; the roots are found again, with the full
// search, only when a root is gone (a restarted server).
import { performance } from 'node:perf_hooks';
import { processTree, type ProcessEntry } from './parse.js';
import { readProcessTable, readRssOf } from './processes.js';
import { findTargetRoots, type TargetRss } from './snapshot.js';
import { MemoryTargetNotFoundError, type ResolvedTarget } from './target.js';

/** How often the descendants of the roots are looked up again from the process table. */
export const TREE_REFRESH_MS = 10_000;

export class TreeRss {
  private roots: number[] = [];
  private tree: ProcessEntry[] = [];
  private treeAt = Number.NEGATIVE_INFINITY;
  /** Full process-table reads so far (for the benchmark and tests). */
  tableReads = 0;

  constructor(
    private readonly target: ResolvedTarget,
    private readonly refreshMs = TREE_REFRESH_MS,
  ) {}

  /** Summed RSS of the target's tree now; throws MemoryTargetNotFoundError when no process matches. */
  async read(): Promise<TargetRss> {
    if (this.tree.length > 0 && performance.now() - this.treeAt < this.refreshMs) {
      const rss = await readRssOf(this.tree);
      if (rss) return this.sum(rss);
    }
    await this.refresh();
    const rss = await readRssOf(this.tree);
    // Gone between the table read and this one: counted as not found, like an empty table.
    if (!rss) throw new MemoryTargetNotFoundError(`the processes of the memory target (${this.target.label}) exited while being read`);
    return this.sum(rss);
  }

  private async refresh(): Promise<void> {
    const table = await readProcessTable();
    this.tableReads++;
    const present = new Set(table.map((p) => p.pid));
    if (this.roots.length === 0 || !this.roots.every((pid) => present.has(pid))) this.roots = await findTargetRoots(table, this.target);
    if (this.roots.length === 0) {
      this.tree = [];
      throw new MemoryTargetNotFoundError(`no running process matches the memory target (${this.target.label})`);
    }
    const pids = new Set(processTree(table, this.roots));
    this.tree = table.filter((p) => pids.has(p.pid));
    this.treeAt = performance.now();
  }

  private sum(rss: Map<number, number>): TargetRss {
    let kb = 0;
    for (const v of rss.values()) kb += v;
    return { rssBytes: kb * 1024, pids: [...rss.keys()] };
  }
}
