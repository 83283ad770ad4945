import { describe, expect, it } from 'vitest';
import {
  parseStatusName,
  macAvailableBytes,
  matchesCommand,
  matchesName,
  parseCmdline,
  parseListeningInodes,
  parseMeminfo,
  parseProcStat,
  parsePs,
  parseStatusRssKb,
  parseSwapUsage,
  parseVmStat,
  processTree,
  splitCommand,
  topmost,
  type ProcessEntry,
} from '../../../activities/memory/parse.js';

// Canned output of an Apple Silicon Mac (16 KiB pages) and a Linux box.
const VM_STAT = `Mach Virtual Memory Statistics: (page size of 16384 bytes)
Pages free:                                8000.
Pages active:                            400000.
Pages inactive:                          300000.
Pages speculative:                         2000.
Pages throttled:                              0.
Pages wired down:                        250000.
Pages purgeable:                           1500.
"Translation faults":                 987654321.
Pages copy-on-write:                   12345678.
Pages zero filled:                    123456789.
Pages reactivated:                       123456.
Pages purged:                             12345.
File-backed pages:                       200000.
Anonymous pages:                         500000.
Pages stored in compressor:              100000.
Pages occupied by compressor:             40000.
Decompressions:                          123456.
Compressions:                            234567.
Pageins:                                 345678.
Pageouts:                                     0.
Swapins:                                      0.
Swapouts:                                     0.
`;
const MEMINFO = `MemTotal:       24683656 kB
MemFree:        23467812 kB
MemAvailable:   24080956 kB
Buffers:           11880 kB
Cached:           756784 kB
SwapCached:            0 kB
Active(anon):     123456 kB
SwapTotal:       2097148 kB
SwapFree:        1048576 kB
`;

describe('macOS memory', () => {
  it('turns vm_stat pages into bytes with the announced page size', () => {
    const vm = parseVmStat(VM_STAT);
    expect(vm.pageSize).toBe(16384);
    expect(vm.freeBytes).toBe(8000 * 16384);
    expect(vm.wiredBytes).toBe(250000 * 16384); // 3.81 GiB wired
    expect(vm.compressorBytes).toBe(40000 * 16384);
    expect(macAvailableBytes(vm)).toBe((8000 + 2000 + 300000) * 16384);
  });

  it('handles 4 KiB pages (Intel Macs) and rejects output without a page size', () => {
    const intel = VM_STAT.replace('16384', '4096');
    expect(parseVmStat(intel).wiredBytes).toBe(250000 * 4096);
    expect(() => parseVmStat('Pages free: 1.')).toThrow(/page size/);
  });

  it('reads swap in use from sysctl vm.swapusage in any unit', () => {
    expect(parseSwapUsage('vm.swapusage: total = 2048.00M  used = 1077.25M  free = 970.75M  (encrypted)')).toBe(
      1077.25 * 1024 ** 2,
    );
    expect(parseSwapUsage('vm.swapusage: total = 4.00G  used = 1.50G  free = 2.50G  (encrypted)')).toBe(1.5 * 1024 ** 3);
    expect(parseSwapUsage('vm.swapusage: total = 0.00M  used = 0.00M  free = 0.00M  (encrypted)')).toBe(0);
    expect(() => parseSwapUsage('nonsense')).toThrow(/swapusage/);
  });

  it('parses ps -A -o pid=,ppid=,rss=,args=', () => {
    const ps = '    1     0  12345 /sbin/launchd\n  501     1 8123456 /opt/homebrew/bin/llama-server -m /m/q.gguf --port 5800\n';
    expect(parsePs(ps)).toEqual([
      { pid: 1, ppid: 0, rssKb: 12345, args: '/sbin/launchd' },
      { pid: 501, ppid: 1, rssKb: 8123456, args: '/opt/homebrew/bin/llama-server -m /m/q.gguf --port 5800' },
    ]);
  });
});

describe('Linux memory', () => {
  it('reads available memory and swap in use from /proc/meminfo', () => {
    expect(parseMeminfo(MEMINFO)).toEqual({
      availableBytes: 24080956 * 1024,
      freeBytes: 23467812 * 1024,
      swapUsedBytes: (2097148 - 1048576) * 1024,
    });
    const old = MEMINFO.replace(/^MemAvailable.*\n/m, '');
    expect(parseMeminfo(old).availableBytes).toBe((23467812 + 756784 + 11880) * 1024);
  });

  it('reads ppid and comm from /proc/<pid>/stat even when comm has spaces and parentheses', () => {
    expect(parseProcStat('4242 (node) S 4000 4242 4000 0 -1 4194560 1000 0 0 0')).toEqual({
      pid: 4242,
      ppid: 4000,
      comm: 'node',
    });
    expect(parseProcStat('77 (tmux: server (1)) S 1 77 77 0 -1')).toEqual({ pid: 77, ppid: 1, comm: 'tmux: server (1)' });
    expect(parseProcStat('garbage')).toBeUndefined();
  });

  it('reads VmRSS, the name and cmdline', () => {
    expect(parseStatusRssKb('Name:\tnode\nVmPeak:\t 100 kB\nVmRSS:\t  51200 kB\n')).toBe(51200);
    expect(parseStatusName('Name:\tllama-server\nUmask:\t0022\n')).toBe('llama-server');
    expect(parseStatusName('Name:\ttmux: server (1)\n')).toBe('tmux: server (1)');
    expect(parseStatusName('Umask:\t0022\n')).toBeUndefined();
    expect(parseStatusRssKb('Name:\tkthreadd\n')).toBeUndefined();
    expect(parseCmdline('python3\0-m\0mlx_lm.server\0--port\x005800\0')).toEqual(['python3', '-m', 'mlx_lm.server', '--port', '5800']);
  });
});

describe('process trees and matching', () => {
  const table: ProcessEntry[] = [
    { pid: 1, ppid: 0, args: 'init' },
    { pid: 10, ppid: 1, args: 'llama-swap --config c.yaml' },
    { pid: 20, ppid: 10, args: 'python3 /venv/bin/mlx_lm.server --model m --port 5801', argv: ['python3', '/venv/bin/mlx_lm.server', '--model', 'm', '--port', '5801'] },
    { pid: 21, ppid: 20, args: 'python3 -c from multiprocessing.resource_tracker import main' },
    { pid: 22, ppid: 21, args: 'worker' },
    { pid: 30, ppid: 1, args: 'llama-server -m a.gguf --port 5802' },
  ];

  it('collects every descendant of the roots once', () => {
    expect(processTree(table, [20]).sort()).toEqual([20, 21, 22]);
    expect(processTree(table, [20, 21]).sort()).toEqual([20, 21, 22]);
    expect(processTree(table, [999])).toEqual([]);
  });

  it('keeps only the topmost of nested matches', () => {
    expect(topmost(table, new Set([20, 21, 30])).sort()).toEqual([20, 30]);
  });

  it('splits a llama-swap cmd as llama-swap does (continuations, comments, quotes)', () => {
    const cmd = `mlx_lm.server \\
      --model "mlx-community/Qwen3 8B" \\
      # a comment line
      --port 5801 --chat-template-args '{"enable_thinking": false}'`;
    expect(splitCommand(cmd)).toEqual([
      'mlx_lm.server',
      '--model',
      'mlx-community/Qwen3 8B',
      '--port',
      '5801',
      '--chat-template-args',
      '{"enable_thinking": false}',
    ]);
  });

  it('matches a command through PATH resolution and a shebang interpreter', () => {
    const words = splitCommand('mlx_lm.server --model m --port 5801');
    expect(matchesCommand(table[2]!, words)).toBe(true); // argv (Linux) with python3 in front
    expect(matchesCommand({ pid: 5, ppid: 1, args: '/usr/bin/python3 /venv/bin/mlx_lm.server --model m --port 5801' }, words)).toBe(true); // ps (macOS)
    expect(matchesCommand({ pid: 5, ppid: 1, args: '/usr/bin/python3 /venv/bin/mlx_lm.server --model m --port 5802' }, words)).toBe(false);
    expect(matchesCommand(table[5]!, splitCommand('/opt/bin/llama-server -m a.gguf --port 5802'))).toBe(true);
    expect(matchesCommand(table[5]!, splitCommand('llama-server -m b.gguf --port 5802'))).toBe(false);
  });

  it('matches a configured process name by kernel name, program or a later word', () => {
    expect(matchesName(table[5]!, 'llama-server')).toBe(true);
    expect(matchesName(table[2]!, 'mlx_lm.server')).toBe(true);
    expect(matchesName({ pid: 3, ppid: 1, args: '', comm: 'ollama' }, 'ollama')).toBe(true);
    expect(matchesName(table[1]!, 'llama-server')).toBe(false);
  });
});

describe('listening sockets', () => {
  // /proc/net/tcp: a listener on 127.0.0.1:8080 (0x1F90), an established connection from it, and a
  // listener on another port.
  const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 123456 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000 00000000     0        0 123457 1 0000000000000000 20 4 30 10 -1
   2: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 999 1 0000000000000000 100 0 0 10 0
`;
  it('finds the inodes of LISTEN sockets on the wanted ports only', () => {
    expect(parseListeningInodes(TCP, [8080])).toEqual([123456]);
    expect(parseListeningInodes(TCP, [8080, 22])).toEqual([123456, 999]);
    expect(parseListeningInodes(TCP, [9999])).toEqual([]);
  });
});
