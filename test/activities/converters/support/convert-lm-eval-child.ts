// Run by samples-memory.test.ts in its own Node process: converts one lm-eval directory and reports how
// much the process's peak resident memory grew during the conversion (the tokenizer is loaded first, so
// its tables are not counted). Prints one JSON line.
import { lmEvalConverter } from '../../../../activities/converters/lm-eval.js';
import { tokenCounter } from '../../../../activities/converters/token-count.js';

const path = process.argv[2];
if (!path) throw new Error('usage: convert-lm-eval-child.ts DIR');
(await tokenCounter())('warm up');
const before = process.resourceUsage().maxRSS;
const envelope = await lmEvalConverter.convert(path, {
  suite: 'reasoning',
  gitSha: 'abcdef1',
  trigger: 'local',
  system: { os: 'test', chip: 'test', memory_gb: 1 },
});
const after = process.resourceUsage().maxRSS;
const first = envelope.results[0];
console.log(JSON.stringify({ peakGrowthKiB: after - before, tags: first?.tags, errors: envelope.errors }));
