// nightshift quality result JSON (`nightshift quality run --save-json`) → envelope. The file may hold
// packs of several schema suites (ToolCall → tool-calling, ReasonMath → reasoning, the rest →
// capability-comparison); the envelope takes the packs of the context's suite, so converting one file
// once per suite publishes every pack exactly once.
import { InputError } from '../errors.js';
import { packResults } from '../suites/quality/envelope-results.js';
import { suiteForPack } from '../suites/catalog.js';
import { readQualityResult } from '../suites/quality/result-file.js';
import type { PackRun } from '../suites/quality/result-types.js';
import { defineConverter, type ConvertedRun } from './envelope-base.js';
import type { Converter, ReadOptions } from './types.js';

export const nightshiftQualityConverter: Converter = defineConverter({
  kind: 'nightshift-quality',
  describes: 'nightshift quality result JSON (packs[] with per-scenario verdicts); takes the packs of --suite',
  read: readQuality,
});

function packSuite(p: PackRun): string {
  return p.suite ?? suiteForPack({ pack_id: p.pack_id });
}

async function readQuality(path: string, options: ReadOptions): Promise<ConvertedRun> {
  const result = await readQualityResult(path);
  const packs = result.packs.filter((p) => packSuite(p) === options.suite);
  if (packs.length === 0) {
    const present = result.packs.map((p) => `${p.pack_id} → ${packSuite(p)}`).join(', ');
    throw new InputError(`${path}: no pack of this file publishes under suite ${options.suite} (packs: ${present}); pass the matching --suite`);
  }
  const results = packs.flatMap((p) => packResults(p, result));
  const temperature = result.canonical ? 0 : undefined;
  return {
    facts: {
      model: result.model,
      modelField: 'model',
      ...(result.started_at ? { timestamp: result.started_at } : {}),
      timestampField: 'started_at',
      ...(temperature !== undefined ? { genKwargs: { temperature } } : {}),
    },
    results,
    errors: result.warnings.map((w) => `quality warning: ${w}`),
  };
}
