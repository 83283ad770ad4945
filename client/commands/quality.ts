// `nightshift quality run|inspect|rescore`: verifier-backed behavioural packs against an endpoint.
// run prints the markdown table, failure breakdown and Quality line (stdout), progress on stderr, and
// saves the full result with --out. A crash-safe journal beside the saved file lets the same
// command resume an interrupted run; it is removed once the run completes.
import { type Command, Option } from 'commander';
import { QUALITY_MODES, type QualityMode } from '../../activities/suites/catalog.js';
import type { ThinkingControl } from '../../activities/suites/quality/request-builder.js';
import type { InspectFlags, RescoreFlags } from '../quality/saved-results.js';
import { collect, finiteNumber, positiveInt } from './flags.js';
import { renamedFlag, withExamples } from './grammar.js';

export interface RunFlags {
  endpoint: string;
  model: string;
  mode: QualityMode;
  pack?: string[];
  packFile?: string[];
  scenario?: string[];
  repeats: number;
  concurrency: number;
  out?: string;
  temperature?: number;
  topP?: number;
  topK?: number;
  samplingFromServer?: boolean;
  thinking?: 'on' | 'off';
  thinkingControl: ThinkingControl;
  thinkingMaxTokens: number;
  timeoutPerCase?: number;
  stream?: boolean;
  journal?: string;
  fresh?: boolean;
  previousResult?: string;
  exitOnRegression?: boolean;
  quiet?: boolean;
  reasoning?: boolean;
  allowCodeExecution?: boolean;
  unsafeNoSandbox?: boolean;
}

export function registerQualityCommand(program: Command): void {
  const quality = program.command('quality').description('verifier-backed behavioural packs: tool calls, instruction following, structure, extraction, reasoning');
  // Subcommands must not call process.exit on bad arguments either: main() maps the error to exit 2.
  quality.exitOverride();

  const run = quality
    .command('run')
    .description('run quality packs against an OpenAI-compatible endpoint and print the table')
    .requiredOption('--endpoint <url>', 'OpenAI-compatible base URL, e.g. http://127.0.0.1:11434')
    .requiredOption('--model <id>', 'model id as the endpoint serves it')
    .addOption(new Option('--mode <mode>', 'quick = ToolCall + InstructFollow; medium = all five; full = medium; reasoning = HumanEval+, LiveCodeBench, GPQA, GSM-Symbolic').choices(QUALITY_MODES).default('medium'))
    .option('--reasoning', 'the reasoning packs (same as --mode reasoning); HumanEval+ and LiveCodeBench need --allow-code-execution')
    .option('--allow-code-execution', "run packs that execute the model's code (in the sandbox: no network, no access to your files)")
    .option('--unsafe-no-sandbox', 'with --allow-code-execution: where no sandbox is available, run the code anyway with limits but WITHOUT isolation')
    .option('--pack <id>', 'run this built-in pack (repeatable; replaces --mode)', collect)
    .option('--pack-file <file>', 'also run the pack in this JSONL file, e.g. a BenchLocal pack (repeatable)', collect)
    .option('--scenario <id>', 'run only this scenario, "TC-01" or "pack/TC-01" (repeatable)', collect)
    .option('--repeats <n>', 'run every scenario n times: pass@n and flaky scenarios', positiveInt('--repeats'), 1)
    .option('--concurrency <n>', 'scenarios in flight at once', positiveInt('--concurrency'), 1)
    .option('--out <file>', 'write the full result (requests, responses, verdicts) here')
    .option('--temperature <t>', 'override temperature (non-canonical run)', finiteNumber('--temperature'))
    .option('--top-p <p>', 'override top_p (non-canonical run)', finiteNumber('--top-p'))
    .option('--top-k <k>', 'override top_k (non-canonical run)', positiveInt('--top-k'))
    .option('--sampling-from-server', "send no sampling parameters; record the server's defaults from /props (non-canonical run)")
    .addOption(new Option('--thinking <on|off>', 'force thinking on or off for every pack (default: each pack\'s default)').choices(['on', 'off']))
    .addOption(new Option('--thinking-control <how>', 'how thinking is switched').choices(['enable_thinking', 'reasoning_effort']).default('enable_thinking'))
    .option('--thinking-max-tokens <n>', 'max_tokens while thinking is on', positiveInt('--thinking-max-tokens'), 16384)
    .option('--timeout-per-case <seconds>', 'fixed per-scenario budget instead of the speed-scaled one', finiteNumber('--timeout-per-case'))
    .option('--stream', 'send scenarios streamed (the saved raw_body is then the SSE text); default one JSON body each')
    .option('--journal <file>', 'journal for resuming (default: <out>.journal.jsonl)')
    .option('--fresh', 'discard an existing journal and start over')
    .option('--previous-result <file>', 'compare with an earlier saved result')
    .option('--exit-on-regression', 'with --previous-result: exit 3 when any pack or scenario regressed')
    .option('--quiet', 'no per-scenario progress on stderr')
    .action(async (flags: RunFlags) => {
      const { qualityRun } = await import('../quality/quality-run.js');
      process.exitCode = await qualityRun(flags);
    });
  renamedFlag(run, { old: '--save-json', now: '--out', key: 'out' });
  renamedFlag(run, { old: '--repeat', now: '--repeats', key: 'repeats' });
  withExamples(run, [
    'nightshift quality run --endpoint http://127.0.0.1:8080 --model qwen3-8b --mode quick',
    'nightshift quality run --endpoint http://127.0.0.1:8080 --model qwen3-8b --repeats 3 --out q.json',
    'nightshift quality run --endpoint http://127.0.0.1:8080 --model qwen3-8b --mode reasoning --allow-code-execution',
  ]);

  const inspect = quality
    .command('inspect')
    .description('show a saved quality result (nightshift or benchlocal-cli)')
    .argument('<file>', 'saved result JSON')
    .option('--failed', 'only the failure breakdown')
    .option('--scenario <id>', 'one scenario ("TC-01" or "pack/TC-01")')
    .option('--full', 'with --scenario: the request, raw response and verifier trace')
    .addOption(new Option('--mode <mode>', "only the packs of this mode").choices(QUALITY_MODES))
    .option('--diff <previous>', 'compare with an earlier saved result')
    .action(async (file: string, flags: InspectFlags) => {
      const { inspectSaved } = await import('../quality/saved-results.js');
      process.exitCode = await inspectSaved(file, flags);
    });
  withExamples(inspect, ['nightshift quality inspect q.json --failed', 'nightshift quality inspect q.json --scenario toolcall-15/TC-03 --full', 'nightshift quality inspect q.json --diff yesterday.json']);

  const rescore = quality
    .command('rescore')
    .description('re-judge the saved raw responses with the current verifiers and packs')
    .argument('<file>', 'saved result JSON (nightshift or benchlocal-cli)')
    .option('--in-place', 'overwrite the file')
    .option('--out <file>', 'write the rescored result here')
    .option('--pack-file <file>', 'use this pack file too, e.g. BenchLocal\'s (repeatable)', collect)
    .action(async (file: string, flags: RescoreFlags) => {
      const { rescoreSaved } = await import('../quality/saved-results.js');
      process.exitCode = await rescoreSaved(file, flags);
    });
  renamedFlag(rescore, { old: '--output', now: '--out', key: 'out' });
  withExamples(rescore, ['nightshift quality rescore q.json --out q-rescored.json', 'nightshift quality rescore benchlocal-result.json --in-place --pack-file packs/toolcall-15.jsonl']);
}
