// `nightshift quality inspect` and `quality rescore`: work on a saved result file (either tool's).
import { InputError } from '../../activities/errors.js';
import { inspectResult } from '../../activities/suites/quality/inspect.js';
import { BUILTIN_PACK_DIR, listBuiltinPacks, loadPackFile } from '../../activities/suites/quality/pack-loader.js';
import { renderTable } from '../../activities/suites/quality/report.js';
import { rescoreResult } from '../../activities/suites/quality/rescore.js';
import { readQualityResult, writeQualityResult } from '../../activities/suites/quality/result-file.js';

export interface InspectFlags {
  failed?: boolean;
  scenario?: string;
  full?: boolean;
  mode?: string;
  diff?: string;
}

export async function inspectSaved(file: string, flags: InspectFlags): Promise<number> {
  if (flags.full && !flags.scenario) throw new InputError('--full needs --scenario ID');
  const result = await readQualityResult(file);
  const previous = flags.diff ? { label: flags.diff, result: await readQualityResult(flags.diff) } : undefined;
  process.stdout.write(
    inspectResult(result, {
      ...(flags.failed ? { failed: true } : {}),
      ...(flags.scenario ? { scenario: flags.scenario } : {}),
      ...(flags.full ? { full: true } : {}),
      ...(flags.mode ? { mode: flags.mode } : {}),
      ...(previous ? { previous } : {}),
    }),
  );
  return 0;
}

export interface RescoreFlags {
  inPlace?: boolean;
  out?: string;
  packFile?: string[];
}

export async function rescoreSaved(file: string, flags: RescoreFlags): Promise<number> {
  if (Boolean(flags.inPlace) === Boolean(flags.out)) throw new InputError('rescore: give exactly one of --in-place or --out FILE');
  const original = await readQualityResult(file);
  const packs = [...(await listBuiltinPacks(BUILTIN_PACK_DIR)), ...(await Promise.all((flags.packFile ?? []).map((f) => loadPackFile(f))))];
  const { result, changes, rescored } = rescoreResult(original, packs);
  await writeQualityResult(flags.inPlace ? file : (flags.out as string), result);
  process.stdout.write(`${renderTable(result)}\n\nrescored ${rescored} responses; ${changes.length} verdict(s) changed\n`);
  for (const c of changes) process.stdout.write(`- ${c.pack_id} ${c.id}#${c.repeat_index}: ${c.before} → ${c.after}\n`);
  return 0;
}
