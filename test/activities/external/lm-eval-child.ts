// Stands in for a worker process in the kill/resume test: runs the lm-eval suite once with the options
// given as one JSON argument and prints each progress report as a JSON line, so the test can SIGKILL
// this whole process mid-run the way a crashed worker dies.
import { memoryJournal } from '../../../activities/journal/journal.js';
import { checkWithSpec } from '../../../activities/config/config-spec.js';
import { lmEvalConfigSpec } from '../../../activities/suites/external/lm-eval-config.js';
import { createLmEvalSuite } from '../../../activities/suites/external/lm-eval-suite.js';
import { runAs } from '../../support/suites.js';

interface ChildInput {
  endpoint: string;
  model: string;
  config: Record<string, unknown>;
  workDir: string;
  registryDir: string;
  env: Record<string, string>;
}

const input = JSON.parse(process.argv[2] ?? '{}') as ChildInput;
const suite = createLmEvalSuite({ registryDir: input.registryDir, env: input.env });
const outcome = await runAs('reasoning', 'lm-eval', suite, {
  endpoint: input.endpoint,
  model: input.model,
  config: checkWithSpec(lmEvalConfigSpec, input.config, 'child input'),
  signal: new AbortController().signal,
  journal: memoryJournal(),
  workDir: input.workDir,
  onProgress: (p) => process.stdout.write(`${JSON.stringify({ progress: p })}\n`),
});
process.stdout.write(`${JSON.stringify({ outcome })}\n`);
