import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { publishEnvelope, type PublishOptions } from '../../../activities/publish/publish.js';
import { PublishError } from '../../../activities/errors.js';
import { readEnvelopes } from '../../../activities/dataset/query.js';
import { main } from '../../../client/cli.js';
import { startHubServer, type HubServer } from '../../support/hub-server.js';

const validFile = join(import.meta.dirname, '../../../../shared/fixtures/mlx-benchmarks/envelope.valid.json');
const WRITE = 'hf_write_token_secret123';
const READ = 'hf_read_token_secret456';
let hub: HubServer;
let envelope: Record<string, unknown>;
let dir: string;
const saved = { token: process.env.HF_TOKEN, endpoint: process.env.HF_ENDPOINT };

beforeAll(async () => {
  hub = await startHubServer({ writeTokens: [WRITE], readTokens: [READ], repos: ['nightshift/results'] });
  envelope = JSON.parse(await readFile(validFile, 'utf8')) as Record<string, unknown>;
});
afterAll(async () => hub.close());
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ns-hub-'));
  process.env.HF_TOKEN = WRITE;
  hub.reset();
});
afterEach(async () => {
  process.env.HF_TOKEN = saved.token;
  if (saved.token === undefined) delete process.env.HF_TOKEN;
  await rm(dir, { recursive: true, force: true });
});

const fastRetry = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 };
const toHub = (extra: Partial<PublishOptions> = {}) => ({ repoId: 'nightshift/results', hubUrl: hub.url, retry: fastRetry, ...extra });

async function shardFromCommit(index = 0): Promise<unknown[]> {
  const file = hub.commits[index]!.files[0]!;
  const local = join(dir, 'from-hub.parquet');
  await writeFile(local, file.content);
  return readEnvelopes(local);
}

describe('publishing to a Hugging Face dataset repo', () => {
  it('commits one shard at data/run-...parquet whose content reads back as the envelope', async () => {
    const outcome = await publishEnvelope(envelope, toHub());
    expect(outcome).toMatchObject({ status: 'written', target: 'hub', rows: 1 });
    expect(outcome.location).toBe(`${hub.url}/datasets/nightshift/results/blob/main/${outcome.path}`);
    expect(hub.commits).toHaveLength(1);
    expect(hub.commits[0]).toMatchObject({ repo: 'nightshift/results', branch: 'main', summary: `Add ${outcome.path}` });
    expect(hub.commits[0]!.files.map((f) => f.path)).toEqual([outcome.path]);
    expect(await shardFromCommit()).toEqual([envelope]);
    expect(hub.requests.map((r) => r.route)).toEqual(['paths-info', 'preupload', 'commit']);
  });

  it('skips a shard already in the repo: unchanged, no commit', async () => {
    await publishEnvelope(envelope, toHub());
    const again = await publishEnvelope(envelope, toHub());
    expect(again.status).toBe('unchanged');
    expect(hub.commits).toHaveLength(1);
  });

  it.each([
    [429, 'commit' as const],
    [500, 'preupload' as const],
    [503, 'paths-info' as const],
  ])('retries HTTP %i on %s and then succeeds', async (status, route) => {
    hub.failNext(route, status, 2);
    const outcome = await publishEnvelope(envelope, toHub());
    expect(outcome.status).toBe('written');
    expect(hub.requests.filter((r) => r.route === route).map((r) => r.status)).toEqual([status, status, 200]);
    expect(hub.commits).toHaveLength(1);
  });

  it('gives up after the retry budget with a PublishError naming the status', async () => {
    hub.failNext('commit', 502, 10);
    const error = await publishEnvelope(envelope, toHub()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as Error).message).toMatch(/could not commit the shard in dataset nightshift\/results: HTTP 502/);
    expect(hub.requests.filter((r) => r.route === 'commit')).toHaveLength(fastRetry.attempts);
    expect(hub.commits).toHaveLength(0);
  });

  it('401: a clear message about the token, not retried, token never in the message', async () => {
    process.env.HF_TOKEN = 'hf_unknown_token_789';
    const error = await publishEnvelope(envelope, toHub()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as Error).message).toMatch(/rejected HF_TOKEN \(HTTP 401\)/);
    expect((error as Error).message).not.toContain('hf_unknown_token_789');
    expect(hub.requests).toHaveLength(1);
  });

  it('403: a clear message about write access', async () => {
    process.env.HF_TOKEN = READ;
    const error = await publishEnvelope(envelope, toHub()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as Error).message).toMatch(/HF_TOKEN may not write to dataset nightshift\/results \(HTTP 403\)/);
    expect(hub.commits).toHaveLength(0);
  });

  it('a missing repo (404) and a missing HF_TOKEN are PublishErrors that say what to do', async () => {
    await expect(publishEnvelope(envelope, toHub({ repoId: 'nightshift/nope' }))).rejects.toThrow(/dataset nightshift\/nope was not found/);
    delete process.env.HF_TOKEN;
    await expect(publishEnvelope(envelope, toHub())).rejects.toThrow(/needs a Hugging Face token with write access in HF_TOKEN/);
    expect(hub.commits).toHaveLength(0);
  });

  it('--dry-run contacts nothing', async () => {
    const outcome = await publishEnvelope(envelope, toHub({ dryRun: true }));
    expect(outcome.status).toBe('planned');
    expect(hub.requests).toHaveLength(0);
  });
});

describe('nightshift publish --repo-id', () => {
  let out = '';
  let err = '';
  beforeEach(() => {
    out = '';
    err = '';
    process.env.HF_ENDPOINT = hub.url;
    vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((out += String(c)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((err += String(c)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
    if (saved.endpoint === undefined) delete process.env.HF_ENDPOINT;
    else process.env.HF_ENDPOINT = saved.endpoint;
  });

  it('publishes through HF_ENDPOINT (exit 0) and a rejected token exits 4 without printing it', async () => {
    const first = await main(['publish', validFile, '--kind', 'envelope', '--repo-id', 'nightshift/results']);
    expect(err).toBe('');
    expect(first).toBe(0);
    expect(out).toMatch(/^written: data\/run-.*\.parquet \(1 row\) at http:\/\/127\.0\.0\.1:\d+\/datasets\/nightshift\/results\/blob\/main\//);
    expect(await readdir(dir)).toEqual([]);
    process.env.HF_TOKEN = 'hf_bad_token_000';
    expect(await main(['publish', validFile, '--kind', 'envelope', '--repo-id', 'nightshift/results', '--log-level', 'debug'])).toBe(4);
    expect(err).toMatch(/HTTP 401/);
    expect(`${out}${err}`).not.toMatch(/hf_bad_token_000|hf_write_token_secret123/);
  });
});
