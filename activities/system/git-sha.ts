// The commit a run is recorded against (the envelope's git_sha). `nightshift run` and sweeps record
// Nightshift's own checkout (its suites and configs are the benchmark definitions); `nightshift publish`
// records the repository it is run in (a benchmark project publishing its own tools' output).
import { execFile } from 'node:child_process';
import { realpath } from 'node:fs/promises';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../project-root.js';

const SHA = /^[0-9a-f]{40}$/;

/** What envelopes record when Nightshift's own commit is unknown (an install without git metadata);
 * git_sha is required by the schema, and sweeps record the same placeholder. */
export const UNKNOWN_GIT_SHA = '0000000';

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

/**
 * HEAD of the checkout whose top level is `root`; undefined when `root` is not the top of a git checkout.
 * An installed copy (node_modules/nightshift inside someone's project, a vendored folder) sits inside a
 * repository that is not Nightshift's: its HEAD describes the user's code, so it must not be recorded.
 */
export async function checkoutSha(root: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('git', ['rev-parse', '--show-toplevel', 'HEAD'], { cwd: root, timeout: 5_000 });
    const [top, head] = stdout.trim().split('\n').map((s) => s.trim());
    if (!top || !head) return undefined;
    // Compared as real paths: git prints the resolved top level (e.g. /private/var/… on macOS).
    const [a, b] = await Promise.all([realpath(top), realpath(root)]);
    const sha = head.toLowerCase();
    return a === b && SHA.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}

let own: Promise<string | undefined> | undefined;

/** HEAD of the Nightshift checkout this code runs from; undefined for an install without its own git metadata. */
export function nightshiftSha(): Promise<string | undefined> {
  own ??= checkoutSha(PROJECT_ROOT);
  return own;
}

/** Whether `value` can be an envelope's git_sha (7 to 64 hex digits). */
export function isGitSha(value: string): boolean {
  return /^[0-9a-fA-F]{7,64}$/.test(value);
}
