// Which results file a path means. lm-eval writes `<output_path>/<model_name_sanitized>/results_<date>.json`
// (one file per run, older runs kept beside newer ones), so the path may be the file itself, the model
// directory (newest run wins) or the output directory holding exactly one model directory.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from '../errors.js';

const RESULTS_NAME = /^results_.*\.json$/;

export async function locateResultsFile(path: string): Promise<string> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(path)).isDirectory();
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new InputError(
      `cannot read lm-eval results ${path}: ${code === 'ENOENT' ? 'no such file or directory' : String(error)}`,
      { cause: error },
    );
  }
  if (!isDirectory) return path;

  const here = await newestResults(path);
  if (here) return here;

  const subdirs: string[] = [];
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.isDirectory() && (await newestResults(join(path, entry.name)))) subdirs.push(entry.name);
  }
  if (subdirs.length === 1) return (await newestResults(join(path, subdirs[0] as string))) as string;
  if (subdirs.length > 1) {
    throw new InputError(
      `${path}: holds lm-eval results for ${String(subdirs.length)} models (${subdirs.sort().join(', ')}); ` +
        'give the directory of one model, or a results_*.json file',
    );
  }
  throw new InputError(`${path}: no results_*.json file in this directory or its model subdirectories`);
}

/** The newest results_*.json directly in `dir`: lm-eval's names carry the run date
 * (results_2025-08-07T11-42-40.066002.json), which sorts chronologically as text. */
async function newestResults(dir: string): Promise<string | undefined> {
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isFile() && RESULTS_NAME.test(e.name))
    .map((e) => e.name)
    .sort();
  const newest = names.at(-1);
  return newest === undefined ? undefined : join(dir, newest);
}
