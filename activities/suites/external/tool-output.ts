// A tool's output file → SuiteOutcome through the project's converter for that tool.
import { stat } from 'node:fs/promises';
import { arch, platform, totalmem } from 'node:os';
import { getConverter } from '../../converters/registry.js';
import type { ConverterKind, RunContext } from '../../converters/types.js';
import type { Suite, SystemInfo } from '../../envelope/types.js';
import type { SuiteOutcome } from '../types.js';

export async function fileExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Converts with the tool's converter and keeps what a suite returns (results, gen_kwargs, seed, errors). */
export async function convertToolOutput(
  kind: ConverterKind,
  path: string,
  suite: Suite,
  model: string,
  errors: string[] = [],
  system: Partial<SystemInfo> = {},
): Promise<SuiteOutcome> {
  const envelope = await getConverter(kind).convert(path, resultsOnlyContext(suite, model, system));
  return {
    results: envelope.results,
    ...(envelope.gen_kwargs ? { genKwargs: envelope.gen_kwargs } : {}),
    ...(envelope.seed !== undefined ? { seed: envelope.seed } : {}),
    errors: [...(envelope.errors ?? []), ...errors],
  };
}

/** Converters produce whole envelopes; a suite hands back only results, gen_kwargs, seed and errors, and
 * the publish step writes the run-level facts (git sha, trigger, system) from the sweep. So the run-level
 * fields here are only what this process knows cheaply, and none of them leaves this module. */
function resultsOnlyContext(suite: Suite, model: string, system: Partial<SystemInfo>): RunContext {
  return {
    suite,
    gitSha: 'unknown',
    trigger: 'local',
    model,
    // Some tools' files carry no run date (older vllm bench); the envelope's date is the sweep's anyway.
    timestamp: new Date().toISOString(),
    system: { os: platform(), chip: arch(), memory_gb: Math.round(totalmem() / 2 ** 30), ...system },
  };
}
