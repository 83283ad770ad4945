// Pure parsers for the text the host tools print (sw_vers, sysctl, os-release, the Python probe). Kept
// apart from the code that runs those tools so they can be tested on canned output from both OSes.
import type { SystemInfo } from '../../workflows/shared/envelope.js';

const GIB = 1024 ** 3;

/** `sw_vers` output → "macOS 15.3.2" (or undefined when the product lines are missing). */
export function parseSwVers(text: string): string | undefined {
  const fields = keyValueLines(text, ':');
  const name = fields.get('ProductName');
  const version = fields.get('ProductVersion');
  if (!name || !version) return undefined;
  return `${name} ${version}`;
}

/** /etc/os-release → "Debian GNU/Linux 12" (NAME + VERSION_ID), else PRETTY_NAME, else NAME. */
export function parseOsRelease(text: string): string | undefined {
  const fields = keyValueLines(text, '=');
  const name = fields.get('NAME');
  const versionId = fields.get('VERSION_ID');
  if (name && versionId) return `${name} ${versionId}`;
  return fields.get('PRETTY_NAME') || name || undefined;
}

/**
 * Output of `sysctl machdep.cpu.brand_string hw.memsize` (with names, so the order cannot confuse us)
 * → chip and installed bytes. Missing keys come back undefined.
 */
export function parseSysctl(text: string): { chip?: string; memoryBytes?: number } {
  const fields = keyValueLines(text, ':');
  const out: { chip?: string; memoryBytes?: number } = {};
  const chip = fields.get('machdep.cpu.brand_string');
  if (chip) out.chip = chip;
  const mem = Number(fields.get('hw.memsize'));
  if (Number.isFinite(mem) && mem > 0) out.memoryBytes = mem;
  return out;
}

/**
 * Installed memory in whole GiB. Linux reports MemTotal a few hundred MiB below the installed size
 * (kernel reservations), so rounding — not truncating — recovers the figure a person would quote.
 */
export function bytesToWholeGb(bytes: number): number {
  return Math.max(1, Math.round(bytes / GIB));
}

/** Versions the Python probe reports; every field optional (absent package → absent field). */
export type PythonVersions = Pick<
  SystemInfo,
  'python_version' | 'mlx_version' | 'mlx_lm_version' | 'lm_eval_version' | 'vllm_mlx_version'
>;

const PROBE_KEYS: Record<string, keyof PythonVersions> = {
  python: 'python_version',
  mlx: 'mlx_version',
  mlx_lm: 'mlx_lm_version',
  lm_eval: 'lm_eval_version',
  vllm_mlx: 'vllm_mlx_version',
};

/**
 * The probe prints one JSON object ({"python": "3.11.7", "mlx": "0.22.0", ...}). Anything that is not
 * a non-empty version-like string is dropped, so junk never reaches an envelope.
 */
export function parsePythonProbe(stdout: string): PythonVersions {
  const line = stdout.trim().split('\n').pop() ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return {};
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const out: PythonVersions = {};
  for (const [key, field] of Object.entries(PROBE_KEYS)) {
    const value = (parsed as Record<string, unknown>)[key];
    if (typeof value === 'string' && /^\d[\w.+!-]*$/.test(value.trim())) out[field] = value.trim();
  }
  return out;
}

/** `KEY<sep>value` lines → map; surrounding whitespace and shell-style quotes removed. */
function keyValueLines(text: string, sep: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const at = line.indexOf(sep);
    if (at <= 0) continue;
    const key = line.slice(0, at).trim();
    let value = line.slice(at + sep.length).trim();
    if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0])) {
      value = value.slice(1, -1);
    }
    out.set(key, value);
  }
  return out;
}
