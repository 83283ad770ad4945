// Which processes listen on a TCP port. The fallback for finding a model server when its command line
// no longer matches llama-swap's `cmd` (a launcher that exec'd into something else, e.g. `uv run`):
// llama-swap's `proxy` URL names the port the server must be listening on.
import { execFile } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { parseListeningInodes } from './parse.js';

export async function pidsListeningOn(ports: number[]): Promise<number[]> {
  if (ports.length === 0) return [];
  return process.platform === 'linux' ? linuxListeners(ports) : lsofListeners(ports);
}

async function linuxListeners(ports: number[]): Promise<number[]> {
  const tables = await Promise.all(
    ['/proc/net/tcp', '/proc/net/tcp6'].map((path) => readFile(path, 'utf8').catch(() => '')),
  );
  const inodes = new Set(tables.flatMap((text) => parseListeningInodes(text, ports)));
  if (inodes.size === 0) return [];
  const pids: number[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const fds = await readdir(`/proc/${name}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const link = await readlink(`/proc/${name}/fd/${fd}`).catch(() => '');
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m && inodes.has(Number(m[1]))) {
        pids.push(Number(name));
        break;
      }
    }
  }
  return pids;
}

function lsofListeners(ports: number[]): Promise<number[]> {
  const args = ['-nP', '-t', '-sTCP:LISTEN', ...ports.flatMap((p) => [`-iTCP:${p}`])];
  return new Promise((resolve) => {
    // lsof exits 1 when nothing matches; that is an empty answer, not an error.
    execFile('lsof', args, { timeout: 10_000, killSignal: 'SIGKILL' }, (_error, stdout) =>
      resolve(
        stdout
          .split('\n')
          .map((l) => Number(l.trim()))
          .filter((n) => Number.isInteger(n) && n > 0),
      ),
    );
  });
}
