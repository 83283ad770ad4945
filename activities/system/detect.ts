// Describes the benchmark host for the envelope's `system` block. It must run where the suite runs (the
// host-pinned worker), because the numbers belong to that machine and that Python environment.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { cpus, release } from 'node:os';
import si from 'systeminformation';
import type { SystemInfo } from '../../workflows/shared/envelope.js';
import { bytesToWholeGb, parseOsRelease, parseSwVers, parseSysctl } from './parse.js';
import { probePythonVersions, type PythonProbeOptions } from './python-env.js';

export interface DetectSystemOptions extends PythonProbeOptions {
  /** Worker identity or CI runner label, recorded as `system.runner`. */
  runner?: string;
  /** Skip the Python probe entirely (e.g. a host with no Python tools). */
  skipPython?: boolean;
}

export async function detectSystem(options: DetectSystemOptions = {}): Promise<SystemInfo> {
  const [host, python] = await Promise.all([
    process.platform === 'darwin' ? detectMac() : detectOther(),
    options.skipPython ? Promise.resolve({}) : probePythonVersions(options),
  ]);
  const info: SystemInfo = { ...host, kernel: release(), ...python };
  if (options.runner) info.runner = options.runner;
  return info;
}

type HostFields = Pick<SystemInfo, 'os' | 'chip' | 'memory_gb'>;

// On a Mac, sysctl gives the marketing chip name ("Apple M4 Max") and the exact installed memory, and
// sw_vers the product version ("macOS 15.3.2"); systeminformation only backs them up.
async function detectMac(): Promise<HostFields> {
  const [sysctl, swVers] = await Promise.all([
    run('sysctl', ['machdep.cpu.brand_string', 'hw.memsize']).then(parseSysctl),
    run('sw_vers', []).then(parseSwVers),
  ]);
  if (sysctl.chip && sysctl.memoryBytes && swVers) {
    return { os: swVers, chip: sysctl.chip, memory_gb: bytesToWholeGb(sysctl.memoryBytes) };
  }
  const fallback = await siHost();
  return {
    os: swVers ?? fallback.os,
    chip: sysctl.chip ?? fallback.chip,
    memory_gb: sysctl.memoryBytes ? bytesToWholeGb(sysctl.memoryBytes) : fallback.memory_gb,
  };
}

async function detectOther(): Promise<HostFields> {
  const osRelease = await readFirst(['/etc/os-release', '/usr/lib/os-release']);
  const parsedOs = osRelease ? parseOsRelease(osRelease) : undefined;
  const fromSi = await siHost();
  return { ...fromSi, os: parsedOs ?? fromSi.os };
}

async function siHost(): Promise<HostFields> {
  const [osInfo, cpu, mem] = await Promise.all([si.osInfo(), si.cpu(), si.mem()]);
  const os = [osInfo.distro, osInfo.release].filter(Boolean).join(' ') || osInfo.platform || process.platform;
  // Typed as strings, but systeminformation can leave them undefined (e.g. a Raspberry Pi's decoded
  // revision or a RISC-V uarch without a model part).
  const reported: { brand?: string; manufacturer?: string } = cpu;
  const brand = reported.brand?.trim() ?? '';
  const manufacturer = reported.manufacturer?.trim() ?? '';
  // systeminformation splits "AMD EPYC" into manufacturer + brand; join them unless brand repeats it.
  const joined = brand.toLowerCase().startsWith(manufacturer.toLowerCase()) ? brand : `${manufacturer} ${brand}`;
  // The schema requires a chip; the kernel's own CPU model string, then the architecture, are the
  // honest fallbacks when systeminformation finds no brand.
  const chip = joined.trim() || cpus()[0]?.model.trim() || process.arch;
  return { os, chip, memory_gb: bytesToWholeGb(mem.total) };
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 5000, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 }, (error, stdout) =>
      resolve(error ? '' : stdout),
    );
  });
}

async function readFirst(paths: string[]): Promise<string | undefined> {
  for (const path of paths) {
    try {
      return await readFile(path, 'utf8');
    } catch {
      // try the next location
    }
  }
  return undefined;
}
