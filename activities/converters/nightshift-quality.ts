// nightshift quality result JSON (`nightshift quality run --save-json`) → envelope. The file may hold
// packs of several schema suites (ToolCall → tool-calling, ReasonMath → reasoning, the rest →
// capability-comparison); the envelope takes the packs of the context's suite, so converting one file
// once per suite publishes every pack exactly once.
import { InputError } from '../errors.js';
import { packResults } from '../suites/quality/envelope-results.js';
import { suiteForPack } from '../suites/quality/pack-suites.js';
import { readQualityResult } from '../suites/quality/result-file.js';
import type { PackRun } from '../suites/quality/result-types.js';
import { assembleEnvelope } from './envelope-base.js';
import type { Converter, RunContext } from './types.js';

export const nightshiftQualityConverter: Converter = {
  kind: 'nightshift-quality',
  describes: 'nightshift quality result JSON (packs[] with per-scenario verdicts); takes the packs of --suite',
  convert: convertQuality,
};

function packSuite(p: PackRun): string {
  return p.suite ?? suiteForPack({ __meta__: true, pack_id: p.pack_id, version: p.version });
}

async function convertQuality(path: string, context: RunContext) {
  const result = await readQualityResult(path);
  const packs = result.packs.filter((p) => packSuite(p) === context.suite);
  if (packs.length === 0) {
    const present = result.packs.map((p) => `${p.pack_id} → ${packSuite(p)}`).join(', ');
    throw new InputError(`${path}: no pack of this file publishes under suite ${context.suite} (packs: ${present}); pass the matching --suite`);
  }
  const results = packs.flatMap((p) => packResults(p, result));
  const temperature = result.canonical ? 0 : undefined;
  return assembleEnvelope(
    path,
    context,
    {
      model: result.model,
      modelField: 'model',
      ...(result.started_at ? { timestamp: result.started_at } : {}),
      timestampField: 'started_at',
      ...(temperature !== undefined ? { genKwargs: { temperature } } : {}),
    },
    results,
    result.warnings.map((w) => `quality warning: ${w}`),
  );
}
