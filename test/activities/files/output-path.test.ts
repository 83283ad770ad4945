// Output paths are checked before any work: a path under a file, a directory where a file goes, and a
// kernel filesystem (procfs, where Node's recursive mkdir never returns) are refused naming the flag.
import { mkdtemp, readFile, writeFile, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOutputDirectory, checkOutputFile, ensureOutputDirectory } from '../../../activities/files/output-path.js';
import { publishEnvelope } from '../../../activities/publish/publish.js';
import { InputError, PublishError } from '../../../activities/errors.js';
import { PROJECT_ROOT } from '../../../activities/project-root.js';
import { startWorkers } from '../../../workers/run.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-outpath-'));
  await writeFile(join(dir, 'file'), 'x');
  await mkdir(join(dir, 'adir'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

const onLinux = process.platform === 'linux';

describe('output path checks', () => {
  it('accepts a directory that does not exist yet under a writable one, and creates nothing', async () => {
    await checkOutputDirectory(join(dir, 'a', 'b', 'c'), '--out');
    expect(existsSync(join(dir, 'a'))).toBe(false);
    await checkOutputFile(join(dir, 'new', 'result.json'), '--out');
    await ensureOutputDirectory(join(dir, 'a', 'b'), '--data-dir');
    expect(existsSync(join(dir, 'a', 'b'))).toBe(true);
  });

  it('refuses a path under a file, naming the flag and the file', async () => {
    await expect(checkOutputDirectory(join(dir, 'file', 'ds'), '--dataset-dir')).rejects.toThrow(`--dataset-dir: cannot write to ${join(dir, 'file', 'ds')}: ${join(dir, 'file')} is a file, not a directory`);
    await expect(checkOutputFile(join(dir, 'file', 'deeper', 'x.json'), '--out')).rejects.toThrow(`${join(dir, 'file')} is a file, not a directory`);
    await expect(checkOutputFile(join(dir, 'file', 'x.json'), '--out')).rejects.toBeInstanceOf(InputError);
  });

  it('refuses a directory where a file is to be written', async () => {
    await expect(checkOutputFile(join(dir, 'adir'), '--save-json')).rejects.toThrow(`--save-json: cannot write to ${join(dir, 'adir')}: it is a directory`);
  });

  it.runIf(onLinux)('refuses procfs and sysfs at once instead of hanging in mkdir', async () => {
    await expect(checkOutputDirectory('/proc/nightshift/data', '--dataset-dir')).rejects.toThrow('/proc is on procfs, a kernel filesystem that cannot hold results');
    await expect(checkOutputFile('/sys/nightshift.json', '--out')).rejects.toThrow('/sys is on sysfs');
    await expect(ensureOutputDirectory('/proc/x', '--data-dir', PublishError)).rejects.toBeInstanceOf(PublishError);
  });

  it.runIf(onLinux)('publishing a shard to a dataset on procfs fails at once with a publish error (it used to hang)', async () => {
    const envelope: unknown = JSON.parse(await readFile(join(PROJECT_ROOT, '../shared/fixtures/mlx-benchmarks/envelope.valid.json'), 'utf8'));
    await expect(publishEnvelope(envelope, { datasetDir: '/proc/nightshift-dataset' })).rejects.toThrow(/dataset directory: cannot write to .*procfs.*choose another with --dataset-dir/);
  });

  it.runIf(onLinux)('a worker refuses a data directory or dataset it cannot write before it connects anywhere', async () => {
    // No server listens at this address: the check must come first for the error to be about the path.
    const target = { address: '127.0.0.1:1', namespace: 'default', connectionOptions: { address: '127.0.0.1:1' } };
    await expect(startWorkers({ target, dataDir: '/proc/nightshift-data' })).rejects.toThrow('--data-dir: cannot write to /proc/nightshift-data');
    await expect(startWorkers({ target, host: false, dataset: join(dir, 'file', 'ds') })).rejects.toThrow(`--dataset-dir: cannot write to ${join(dir, 'file', 'ds')}`);
  });
});
