// `nightshift publish`'s work: convert a tool's output (or take an envelope as it is), apply the
// command line's run facts, validate, and publish one shard; logs on stderr, the outcome on stdout.
import { readFile } from 'node:fs/promises';
import type { RunContext } from '../../activities/converters/types.js';
import { SUITES, type Envelope } from '../../workflows/shared/envelope.js';
import { isRecord } from '../../workflows/shared/records.js';
import { InputError } from '../../activities/errors.js';
import { gitHeadSha, isGitSha } from '../../activities/system/git-sha.js';
import { publishEnvelope, type PublishOutcome } from '../../activities/publish/publish.js';
import { hubBaseUrl } from '../../activities/publish/hub-target.js';
import type { PublishCommandOptions } from '../commands/publish.js';
import { makeLogger, type Logger } from '../terminal/logger.js';
import { checkOutputDirectory } from '../../activities/files/output-path.js';
import { defaultDatasetDir } from '../../activities/dataset/location.js';

export async function runPublish(results: string, options: PublishCommandOptions): Promise<number> {
  const log = makeLogger(options.logFormat, options.logLevel, 'publish');
  if (options.datasetDir && options.repoId) throw new InputError('give either --dataset-dir or --repo-id, not both');
  // Before converting anything: a dataset directory that cannot hold a shard is a bad flag, not a late failure.
  if (!options.repoId && options.dryRun !== true) await checkOutputDirectory(options.datasetDir ?? defaultDatasetDir(), options.datasetDir ? '--dataset-dir' : 'NIGHTSHIFT_DATASET_DIR');
  const envelope = await buildEnvelope(results, options, log);
  if (options.repoId) log.debug({ hub: hubBaseUrl(), repo: options.repoId }, 'publishing to Hugging Face');
  const outcome = await publishEnvelope(envelope, {
    datasetDir: options.datasetDir,
    repoId: options.repoId,
    dryRun: options.dryRun === true,
    validate: options.validate,
    retry: {
      attempts: 5,
      baseDelayMs: 1_000,
      maxDelayMs: 30_000,
      onRetry: (error, attempt, delayMs) => log.warn({ attempt, delayMs, error: (error as Error).message }, 'hub request failed; retrying'),
    },
  });
  report(outcome, options.logFormat);
  return 0;
}

async function buildEnvelope(results: string, options: PublishCommandOptions, log: Logger): Promise<unknown> {
  const prNumber = parsePrNumber(options.prNumber);
  const timestamp = options.timestamp === undefined ? undefined : parseTimestamp(options.timestamp);
  const tags = parseTags(options.tag);
  if (options.kind === 'envelope') {
    const envelope = await readEnvelopeFile(results);
    return applyOverrides(envelope, {
      suite: options.suite,
      model: options.model,
      git_sha: options.gitSha === undefined ? undefined : parseGitSha(options.gitSha),
      trigger: options.trigger,
      pr_number: prNumber,
      timestamp,
    }, tags);
  }
  if (!options.suite) throw new InputError(`--suite is required with --kind ${options.kind} (one of ${SUITES.join(', ')})`);
  const gitSha = options.gitSha === undefined ? await repoHead() : parseGitSha(options.gitSha);
  const { detectSystem } = await import('../../activities/system/detect.js');
  const system = await detectSystem();
  log.debug({ system }, 'detected host');
  const context: RunContext = {
    suite: options.suite,
    gitSha,
    trigger: options.trigger ?? 'local',
    prNumber: prNumber ?? null,
    timestamp,
    model: options.model,
    system,
    tags,
  };
  // Loaded on demand: the converters are only needed when RESULTS is a tool's output.
  const { getConverter } = await import('../../activities/converters/registry.js');
  const converter = getConverter(options.kind);
  log.debug({ kind: converter.kind, file: results }, 'converting');
  return converter.convert(results, context);
}

async function readEnvelopeFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputError(`${file} is not JSON: ${(error as Error).message}`);
  }
  if (!isRecord(parsed)) throw new InputError(`${file} is not a JSON object (an envelope)`);
  return parsed;
}

function applyOverrides(envelope: Record<string, unknown>, fields: Partial<Record<keyof Envelope, unknown>>, tags: Record<string, string>) {
  const out: Record<string, unknown> = { ...envelope };
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  if (Object.keys(tags).length > 0 && Array.isArray(out.results)) {
    out.results = out.results.map((r: unknown) =>
      isRecord(r) ? { ...r, tags: { ...((r as { tags?: object }).tags ?? {}), ...tags } } : r,
    );
  }
  return out;
}

export function parseTags(values: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const value of values) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new InputError(`--tag ${JSON.stringify(value)} is not KEY=VALUE (a non-empty key, then "=", then the value)`);
    tags[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return tags;
}

export function parsePrNumber(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d{0,15}$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InputError(`--pr-number ${JSON.stringify(value)} is not a pull request number (a positive whole number)`);
  }
  return Number(value);
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

export function parseTimestamp(value: string): string {
  if (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value.toUpperCase().replace(' ', 'T')))) {
    throw new InputError(`--timestamp ${JSON.stringify(value)} is not an ISO 8601 date-time with a zone (e.g. 2026-11-23T02:00:00Z)`);
  }
  return value.replace(' ', 'T');
}

export function parseGitSha(value: string): string {
  if (!isGitSha(value)) throw new InputError(`--git-sha ${JSON.stringify(value)} is not a commit (7 to 64 hex digits)`);
  return value;
}

async function repoHead(): Promise<string> {
  const sha = await gitHeadSha(process.cwd());
  if (sha === undefined) throw new InputError(`--git-sha not given and ${process.cwd()} is not inside a git repository with a commit; pass --git-sha SHA`);
  return sha;
}

function report(outcome: PublishOutcome, format: 'text' | 'json'): void {
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify(outcome)}\n`);
    return;
  }
  const rows = `${outcome.rows} row${outcome.rows === 1 ? '' : 's'}`;
  const line =
    outcome.status === 'planned'
      ? `dry run: would write ${outcome.path} (${rows}) to ${outcome.location}`
      : outcome.status === 'unchanged'
        ? `unchanged: ${outcome.path} is already published (${outcome.location}); nothing written`
        : `written: ${outcome.path} (${rows}) at ${outcome.location}`;
  process.stdout.write(`${line}\n`);
}
