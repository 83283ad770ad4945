// Reading and writing saved quality results. Reads Nightshift's own files and benchlocal-cli's result
// JSON (same per-pack/per-scenario shape); refuses anything else with the file and field at fault.
// Writes go to a temporary sibling and are renamed into place, so a crash never leaves half a file.
import { rename, writeFile } from 'node:fs/promises';
import { readTextFile } from '../../files/read-text.js';
import { InputError } from '../../errors.js';
import { isRecord } from '../../../workflows/shared/records.js';
import type { PackRun, QualityResult, ScenarioRun } from './result-types.js';

// A result file as it may be on disk: files from older versions and benchlocal-cli's lack these fields,
// which checkQualityResult fills with their defaults.
type StoredScenarioRun = Omit<ScenarioRun, 'repeat_index'> & Partial<Pick<ScenarioRun, 'repeat_index'>>;
type StoredPackRun = Omit<PackRun, 'version' | 'status' | 'latency' | 'thinking_enabled' | 'scenarios'> &
  Partial<Pick<PackRun, 'version' | 'status' | 'latency' | 'thinking_enabled'>> & { scenarios: StoredScenarioRun[] };
type StoredQualityResult = Omit<QualityResult, 'warnings' | 'mode' | 'started_at' | 'packs'> &
  Partial<Pick<QualityResult, 'warnings' | 'mode' | 'started_at'>> & { packs: StoredPackRun[] };

export async function readQualityResult(path: string): Promise<QualityResult> {
  const text = await readTextFile(path, 'quality result');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new InputError(`quality result ${path} is not JSON: ${(error as Error).message}`);
  }
  return checkQualityResult(data, path);
}

export function checkQualityResult(data: unknown, path: string): QualityResult {
  const fail = (field: string, expected: string): never => {
    throw new InputError(`quality result ${path}: ${field}: expected ${expected} (is this a nightshift quality or benchlocal-cli result file?)`);
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) fail('$', 'a JSON object');
  const d = data as Record<string, unknown>;
  if (!Array.isArray(d.packs)) fail('packs', 'an array of pack results');
  (d.packs as unknown[]).forEach((p, i) => {
    if (typeof p !== 'object' || p === null) fail(`packs[${i}]`, 'an object');
    const pack = p as Record<string, unknown>;
    if (typeof pack.pack_id !== 'string') fail(`packs[${i}].pack_id`, 'a string');
    if (!Array.isArray(pack.scenarios)) fail(`packs[${i}].scenarios`, 'an array');
    (pack.scenarios as unknown[]).forEach((s, j) => {
      const sc = isRecord(s) ? s : {};
      if (typeof sc.id !== 'string') fail(`packs[${i}].scenarios[${j}].id`, 'a string');
      if (typeof sc.passed !== 'boolean') fail(`packs[${i}].scenarios[${j}].passed`, 'true or false');
    });
  });
  if (typeof d.model !== 'string') fail('model', 'a string');
  const stored = d as unknown as StoredQualityResult;
  return {
    ...stored,
    warnings: stored.warnings ?? [],
    mode: stored.mode ?? 'custom',
    started_at: stored.started_at ?? '',
    packs: stored.packs.map((p) => ({
      ...p,
      version: p.version ?? '?',
      status: p.status ?? 'ok',
      latency: p.latency ?? { p50: null, p95: null, mean: null },
      thinking_enabled: p.thinking_enabled ?? false,
      scenarios: p.scenarios.map((s) => ({ ...s, repeat_index: s.repeat_index ?? 1 })),
    })),
  };
}

export async function writeQualityResult(path: string, result: QualityResult): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify(result, null, 2)}\n`);
  await rename(tmp, path);
}
