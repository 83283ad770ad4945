// The commit a run is recorded against (the envelope's git_sha). `nightshift run` and sweeps record
// Nightshift's own checkout (its suites and configs are the benchmark definitions); `nightshift publish`
// records the repository it is run in (a benchmark project publishing its own tools' output).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../project-root.js';

const SHA = /^[0-9a-f]{40}$/;

/** HEAD of the git checkout containing `dir`, or undefined when it is not one (or git is missing). */
export async function gitHeadSha(dir: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', 'HEAD'], { cwd: dir, timeout: 5_000 });
    const sha = stdout.trim().toLowerCase();
    return SHA.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}

let own: Promise<string | undefined> | undefined;

/** HEAD of the Nightshift checkout this code runs from; undefined for an install without git metadata. */
export function nightshiftSha(): Promise<string | undefined> {
  own ??= gitHeadSha(PROJECT_ROOT);
  return own;
}

/** Whether `value` can be an envelope's git_sha (7 to 64 hex digits). */
export function isGitSha(value: string): boolean {
  return /^[0-9a-fA-F]{7,64}$/.test(value);
}
