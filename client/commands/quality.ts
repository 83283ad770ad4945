// `nightshift quality run|inspect|rescore`: verifier-backed behavioural packs against an endpoint.
// run prints the markdown table, failure breakdown and Quality line (stdout), progress on stderr, and
// saves the full result with --save-json. A crash-safe journal beside the saved file lets the same
// command resume an interrupted run; it is removed once the run completes.
import { rm } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import { InputError } from '../../activities/errors.js';
import { openJournal, memoryJournal, type Journal } from '../../activities/journal/journal.js';
import { inspectResult } from '../../activities/suites/quality/inspect.js';
import { BUILTIN_PACK_DIR, listBuiltinPacks, loadPackFile, resolvePacks } from '../../activities/suites/quality/pack-loader.js';
import { packsForMode, QUALITY_MODES, type QualityMode } from '../../activities/suites/catalog.js';
import { compareResults, renderComparison } from '../../activities/suites/quality/regression.js';
import { renderReport, renderTable } from '../../activities/suites/quality/report.js';
import { rescoreResult } from '../../activities/suites/quality/rescore.js';
import { readQualityResult, writeQualityResult } from '../../activities/suites/quality/result-file.js';
import type { ThinkingControl } from '../../activities/suites/quality/request-builder.js';
import { runQuality } from '../../activities/suites/quality/runner.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function positiveInt(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InputError(`${flag} ${v}: expected a positive integer`);
    return n;
  };
}

function finiteNumber(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n)) throw new InputError(`${flag} ${v}: expected a number`);
    return n;
  };
}

interface RunFlags {
  endpoint: string;
  model: string;
  mode: QualityMode;
  pack?: string[];
  packFile?: string[];
  scenario?: string[];
  repeat: number;
  concurrency: number;
  saveJson?: string;
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
}

export function registerQualityCommand(program: Command): void {
  const quality = program.command('quality').description('verifier-backed behavioural packs: tool calls, instruction following, structure, extraction, reasoning');
  // Subcommands must not call process.exit on bad arguments either: main() maps the error to exit 2.
  quality.exitOverride();

  quality
    .command('run')
    .description('run quality packs against an OpenAI-compatible endpoint and print the table')
    .requiredOption('--endpoint <url>', 'OpenAI-compatible base URL, e.g. http://127.0.0.1:11434')
    .requiredOption('--model <id>', 'model id as the endpoint serves it')
    .addOption(new Option('--mode <mode>', 'quick = ToolCall + InstructFollow; medium = all five; full = medium (no sandboxed packs yet)').choices(QUALITY_MODES).default('medium'))
    .option('--pack <id>', 'run this built-in pack (repeatable; replaces --mode)', collect)
    .option('--pack-file <file>', 'also run the pack in this JSONL file, e.g. a BenchLocal pack (repeatable)', collect)
    .option('--scenario <id>', 'run only this scenario, "TC-01" or "pack/TC-01" (repeatable)', collect)
    .option('--repeat <n>', 'run every scenario n times: pass@n and flaky scenarios', positiveInt('--repeat'), 1)
    .option('--concurrency <n>', 'scenarios in flight at once', positiveInt('--concurrency'), 1)
    .option('--save-json <file>', 'write the full result (requests, responses, verdicts) here')
    .option('--temperature <t>', 'override temperature (non-canonical run)', finiteNumber('--temperature'))
    .option('--top-p <p>', 'override top_p (non-canonical run)', finiteNumber('--top-p'))
    .option('--top-k <k>', 'override top_k (non-canonical run)', positiveInt('--top-k'))
    .option('--sampling-from-server', "send no sampling parameters; record the server's defaults from /props (non-canonical run)")
    .addOption(new Option('--thinking <on|off>', 'force thinking on or off for every pack (default: each pack\'s default)').choices(['on', 'off']))
    .addOption(new Option('--thinking-control <how>', 'how thinking is switched').choices(['enable_thinking', 'reasoning_effort']).default('enable_thinking'))
    .option('--thinking-max-tokens <n>', 'max_tokens while thinking is on', positiveInt('--thinking-max-tokens'), 16384)
    .option('--timeout-per-case <seconds>', 'fixed per-scenario budget instead of the speed-scaled one', finiteNumber('--timeout-per-case'))
    .option('--stream', 'send scenarios streamed (the saved raw_body is then the SSE text); default one JSON body each')
    .option('--journal <file>', 'journal for resuming (default: <save-json>.journal.jsonl)')
    .option('--fresh', 'discard an existing journal and start over')
    .option('--previous-result <file>', 'compare with an earlier saved result')
    .option('--exit-on-regression', 'with --previous-result: exit 3 when any pack or scenario regressed')
    .option('--quiet', 'no per-scenario progress on stderr')
    .action(async (flags: RunFlags) => {
      process.exitCode = await qualityRun(flags);
    });

  quality
    .command('inspect')
    .description('show a saved quality result (nightshift or benchlocal-cli)')
    .argument('<file>', 'saved result JSON')
    .option('--failed', 'only the failure breakdown')
    .option('--scenario <id>', 'one scenario ("TC-01" or "pack/TC-01")')
    .option('--full', 'with --scenario: the request, raw response and verifier trace')
    .addOption(new Option('--mode <mode>', "only the packs of this mode").choices(QUALITY_MODES))
    .option('--diff <previous>', 'compare with an earlier saved result')
    .action(async (file: string, flags: { failed?: boolean; scenario?: string; full?: boolean; mode?: string; diff?: string }) => {
      if (flags.full && !flags.scenario) throw new InputError('--full needs --scenario ID');
      const result = await readQualityResult(file);
      const previous = flags.diff ? { label: flags.diff, result: await readQualityResult(flags.diff) } : undefined;
      process.stdout.write(
        inspectResult(result, {
          ...(flags.failed ? { failed: true } : {}),
          ...(flags.scenario ? { scenario: flags.scenario } : {}),
          ...(flags.full ? { full: true } : {}),
          ...(flags.mode ? { mode: flags.mode } : {}),
          ...(previous ? { previous } : {}),
        }),
      );
      process.exitCode = 0;
    });

  quality
    .command('rescore')
    .description('re-judge the saved raw responses with the current verifiers and packs')
    .argument('<file>', 'saved result JSON (nightshift or benchlocal-cli)')
    .option('--in-place', 'overwrite the file')
    .option('--output <file>', 'write the rescored result here')
    .option('--pack-file <file>', 'use this pack file too, e.g. BenchLocal\'s (repeatable)', collect)
    .action(async (file: string, flags: { inPlace?: boolean; output?: string; packFile?: string[] }) => {
      if (Boolean(flags.inPlace) === Boolean(flags.output)) throw new InputError('rescore: give exactly one of --in-place or --output FILE');
      const original = await readQualityResult(file);
      const packs = [...(await listBuiltinPacks(BUILTIN_PACK_DIR)), ...(await Promise.all((flags.packFile ?? []).map((f) => loadPackFile(f))))];
      const { result, changes, rescored } = rescoreResult(original, packs);
      await writeQualityResult(flags.inPlace ? file : (flags.output as string), result);
      process.stdout.write(`${renderTable(result)}\n\nrescored ${rescored} responses; ${changes.length} verdict(s) changed\n`);
      for (const c of changes) process.stdout.write(`- ${c.pack_id} ${c.id}#${c.repeat_index}: ${c.before} → ${c.after}\n`);
      process.exitCode = 0;
    });
}

async function qualityRun(flags: RunFlags): Promise<number> {
  if (flags.samplingFromServer && (flags.temperature !== undefined || flags.topP !== undefined || flags.topK !== undefined)) {
    throw new InputError('--sampling-from-server cannot be combined with --temperature/--top-p/--top-k');
  }
  if (!/^https?:\/\/[^/]/.test(flags.endpoint) || !URL.canParse(flags.endpoint)) {
    throw new InputError(`--endpoint ${flags.endpoint}: expected an http(s) URL such as http://127.0.0.1:11434`);
  }
  if (flags.exitOnRegression && !flags.previousResult) throw new InputError('--exit-on-regression needs --previous-result FILE');
  if (flags.timeoutPerCase !== undefined && flags.timeoutPerCase <= 0) throw new InputError('--timeout-per-case: expected a positive number of seconds');
  // Read the previous result first: a typo in its path should not cost a whole run.
  const previous = flags.previousResult ? await readQualityResult(flags.previousResult) : undefined;
  const explicit = flags.pack ?? [];
  const ids = explicit.length ? explicit : flags.packFile?.length ? [] : packsForMode(flags.mode);
  const packs = await resolvePacks(ids, flags.packFile ?? []);
  const mode = explicit.length || flags.packFile?.length ? 'custom' : flags.mode;
  const overrides: Record<string, number> = {};
  if (flags.temperature !== undefined) overrides.temperature = flags.temperature;
  if (flags.topP !== undefined) overrides.top_p = flags.topP;
  if (flags.topK !== undefined) overrides.top_k = flags.topK;

  const journalPath = flags.journal ?? (flags.saveJson ? `${flags.saveJson}.journal.jsonl` : undefined);
  if (journalPath && flags.fresh) await rm(journalPath, { force: true });
  const journal: Journal = journalPath ? await openJournal(journalPath) : memoryJournal();
  const identity = JSON.stringify({ endpoint: flags.endpoint, model: flags.model, packs: packs.map((p) => `${p.meta.pack_id}@${p.meta.version}`), scenarios: flags.scenario ?? [], repeat: flags.repeat, overrides, fromServer: Boolean(flags.samplingFromServer), thinking: flags.thinking ?? 'pack', control: flags.thinkingControl, tmax: flags.thinkingMaxTokens, timeout: flags.timeoutPerCase ?? null, ...(flags.stream ? { stream: true } : {}) });
  if (journal.has('__run__') && journal.get('__run__') !== identity) {
    await journal.close();
    throw new InputError(`journal ${journalPath} belongs to a different run (other endpoint, model, packs or sampling); use --fresh to discard it or --journal to choose another file`);
  }
  const resumed = journal.entries().filter((e) => !e.key.startsWith('__')).length;
  if (resumed > 0 && !flags.quiet) process.stderr.write(`resuming from ${journalPath}: ${resumed} scenario(s) already done\n`);
  await journal.append('__run__', identity);

  let result;
  try {
    result = await runQuality(
      {
        endpoint: flags.endpoint,
        model: flags.model,
        packs,
        mode,
        scenarios: flags.scenario ?? [],
        repeat: flags.repeat,
        concurrency: flags.concurrency,
        sampling: {
          ...(flags.thinking ? { thinking: flags.thinking === 'on' } : {}),
          thinkingControl: flags.thinkingControl,
          thinkingMaxTokens: flags.thinkingMaxTokens,
          overrides,
          fromServer: Boolean(flags.samplingFromServer),
        },
        ...(flags.timeoutPerCase !== undefined ? { timeoutPerCaseSeconds: flags.timeoutPerCase } : {}),
        ...(flags.stream ? { stream: true } : {}),
      },
      {
        journal,
        onScenario: flags.quiet
          ? undefined
          : (packId, run, done, total) =>
              process.stderr.write(`[${done}/${total}] ${packId} ${run.id}${run.repeat_index > 1 ? `#${run.repeat_index}` : ''}: ${run.passed ? 'pass' : run.failure_mode} (${run.latency_seconds.toFixed(2)}s)\n`),
      },
    );
  } finally {
    await journal.close();
  }
  if (flags.saveJson) await writeQualityResult(flags.saveJson, result);
  // The run is complete and saved: the next identical command starts fresh.
  if (journalPath) await rm(journalPath, { force: true });
  process.stdout.write(renderReport(result));
  if (flags.saveJson) process.stdout.write(`saved ${flags.saveJson}\n`);
  if (previous) {
    const comparison = compareResults(previous, result);
    process.stdout.write(`\n${renderComparison(comparison, flags.previousResult as string)}\n`);
    if (flags.exitOnRegression && comparison.regressions.length > 0) return 3;
  }
  return 0;
}
