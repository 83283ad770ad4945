// System-wide memory figures for a snapshot: available ("free"), wired (macOS) and swap in use.
// macOS: vm_stat + sysctl vm.swapusage; Linux: /proc/meminfo; elsewhere systeminformation.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import si from 'systeminformation';
import { macAvailableBytes, parseMeminfo, parseSwapUsage, parseVmStat } from './parse.js';

export interface SystemMemory {
  /** Memory available to new allocations without swapping (Linux MemAvailable; macOS free+inactive+speculative). */
  availableBytes: number;
  /** Wired (non-pageable) memory; macOS only — Linux has no equivalent figure, so it is left out. */
  wiredBytes?: number;
  swapUsedBytes: number;
}

export async function readSystemMemory(): Promise<SystemMemory> {
  if (process.platform === 'darwin') {
    const [vmStat, swap] = await Promise.all([run('vm_stat', []), run('sysctl', ['vm.swapusage'])]);
    const vm = parseVmStat(vmStat);
    return { availableBytes: macAvailableBytes(vm), wiredBytes: vm.wiredBytes, swapUsedBytes: parseSwapUsage(swap) };
  }
  if (process.platform === 'linux') {
    const info = parseMeminfo(await readFile('/proc/meminfo', 'utf8'));
    return { availableBytes: info.availableBytes, swapUsedBytes: info.swapUsedBytes };
  }
  const mem = await si.mem();
  return { availableBytes: mem.available, swapUsedBytes: mem.swapused };
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 10_000, killSignal: 'SIGKILL' }, (error, stdout) =>
      error ? reject(new Error(`${cmd} failed: ${error.message}`)) : resolve(stdout),
    );
  });
}
