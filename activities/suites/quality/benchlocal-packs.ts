// The packs Nightshift runs itself but does not ship: benchlocal-cli's reasoning set (HumanEval+,
// LiveCodeBench, GPQA, GSM-Symbolic). They are read at run time from the installed benchlocal-cli
// (deploy/setup/install-benchlocal.sh), so their data and licences stay in benchlocal-cli's package.
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { findBenchlocal, BENCHLOCAL_INSTALL_HINT } from '../external/find-tool.js';
import { InputError } from '../../errors.js';
import { REASONING_PACKS } from '../catalog.js';

/** Pack ids read from benchlocal-cli's package: the reasoning mode's packs (the catalog lists them). */
export const BENCHLOCAL_PACK_IDS: readonly string[] = REASONING_PACKS;

export function isBenchlocalPack(id: string): boolean {
  return BENCHLOCAL_PACK_IDS.includes(id);
}

/** A benchlocal-cli pack was asked for and benchlocal-cli is not installed: a sweep skips the suite. */
export class PackUnavailableError extends InputError {
  constructor(
    readonly packIds: readonly string[],
    readonly reason: string,
  ) {
    super(`pack ${packIds.join(', ')}: ${reason}`);
  }
}

/**
 * benchlocal-cli's packs directory: $NIGHTSHIFT_BENCHLOCAL_PACKS, else `benchlocal_cli/packs` in the
 * site-packages of the venv holding the benchlocal-cli executable that the benchlocal suite would run.
 */
export async function benchlocalPackDir(env: NodeJS.ProcessEnv = process.env): Promise<{ dir: string } | { reason: string }> {
  if (env.NIGHTSHIFT_BENCHLOCAL_PACKS) return { dir: env.NIGHTSHIFT_BENCHLOCAL_PACKS };
  const tool = await findBenchlocal(env);
  if (!tool.found) return { reason: tool.reason };
  const venv = dirname(dirname(tool.path));
  const lib = join(venv, 'lib');
  const pythons = await readdir(lib).then(
    (names) => names.filter((n) => n.startsWith('python')).sort(),
    () => [] as string[],
  );
  for (const python of pythons) {
    const dir = join(lib, python, 'site-packages', 'benchlocal_cli', 'packs');
    if (await readdir(dir).then(() => true, () => false)) return { dir };
  }
  return {
    reason:
      `not installed: benchlocal-cli at ${tool.path} has no benchlocal_cli/packs under ${lib}/python*/site-packages; ` +
      `set NIGHTSHIFT_BENCHLOCAL_PACKS to its packs directory, or ${BENCHLOCAL_INSTALL_HINT}`,
  };
}
