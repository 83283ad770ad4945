// `nightshift quality run`'s work: resolve the packs, resume from the journal when it belongs to the same
// run, run the packs, save the full result, print the report, and compare with a previous result.
import { rm } from 'node:fs/promises';
import { InputError } from '../../activities/errors.js';
import { checkOutputFile } from '../../activities/files/output-path.js';
import { openJournal, memoryJournal, type Journal } from '../../activities/journal/journal.js';
import { packsForMode } from '../../activities/suites/catalog.js';
import { resolvePacks } from '../../activities/suites/quality/pack-loader.js';
import { compareResults, renderComparison } from '../../activities/suites/quality/regression.js';
import { renderReport } from '../../activities/suites/quality/report.js';
import { readQualityResult, writeQualityResult } from '../../activities/suites/quality/result-file.js';
import { runQuality } from '../../activities/suites/quality/runner.js';
import { CLI_WORDING, codeRunner } from '../../activities/sandbox/code-execution.js';
import { executionContext } from '../../activities/suites/quality/code/execution-context.js';
import { executesCode } from '../../activities/suites/quality/verifiers/index.js';
import type { RunFlags } from '../commands/quality.js';

export async function qualityRun(flags: RunFlags): Promise<number> {
  if (flags.samplingFromServer && (flags.temperature !== undefined || flags.topP !== undefined || flags.topK !== undefined)) {
    throw new InputError('--sampling-from-server cannot be combined with --temperature/--top-p/--top-k');
  }
  if (!/^https?:\/\/[^/]/.test(flags.endpoint) || !URL.canParse(flags.endpoint)) {
    throw new InputError(`--endpoint ${flags.endpoint}: expected an http(s) URL such as http://127.0.0.1:11434`);
  }
  if (flags.exitOnRegression && !flags.previousResult) throw new InputError('--exit-on-regression needs --previous-result FILE');
  if (flags.timeoutPerCase !== undefined && flags.timeoutPerCase <= 0) throw new InputError('--timeout-per-case: expected a positive number of seconds');
  // Check where results go and read the previous result first: a typo in a path should not cost a whole run.
  if (flags.out) await checkOutputFile(flags.out, '--out');
  if (flags.journal) await checkOutputFile(flags.journal, '--journal');
  const previous = flags.previousResult ? await readQualityResult(flags.previousResult) : undefined;
  if (flags.unsafeNoSandbox && !flags.allowCodeExecution) throw new InputError('--unsafe-no-sandbox needs --allow-code-execution');
  const explicit = flags.pack ?? [];
  const chosenMode = flags.reasoning ? 'reasoning' : flags.mode;
  const ids = explicit.length ? explicit : flags.packFile?.length ? [] : packsForMode(chosenMode);
  const packs = await resolvePacks(ids, flags.packFile ?? []);
  const mode = explicit.length || flags.packFile?.length ? 'custom' : chosenMode;
  // Packs that run the model's code: refused before anything is asked of the model unless allowed.
  const executing = packs.filter((p) => p.scenarios.some(executesCode)).map((p) => p.meta.pack_id);
  const code = executing.length ? await codeRunner({ allow: Boolean(flags.allowCodeExecution), unsafeNoSandbox: Boolean(flags.unsafeNoSandbox) }, executing, CLI_WORDING) : undefined;
  for (const warning of code?.warnings ?? []) process.stderr.write(`WARNING: ${warning}\n`);
  const overrides: Record<string, number> = {};
  if (flags.temperature !== undefined) overrides.temperature = flags.temperature;
  if (flags.topP !== undefined) overrides.top_p = flags.topP;
  if (flags.topK !== undefined) overrides.top_k = flags.topK;

  const journalPath = flags.journal ?? (flags.out ? `${flags.out}.journal.jsonl` : undefined);
  if (journalPath && flags.fresh) await rm(journalPath, { force: true });
  // The journal belongs to this exact run: another endpoint, model, pack set or sampling is refused, not mixed in.
  const identity = {
    endpoint: flags.endpoint,
    model: flags.model,
    packs: packs.map((p) => `${p.meta.pack_id}@${p.meta.version}`).join(','),
    scenarios: (flags.scenario ?? []).join(','),
    repeat: flags.repeats,
    sampling: JSON.stringify(overrides),
    fromServer: Boolean(flags.samplingFromServer),
    thinking: flags.thinking ?? 'pack',
    control: flags.thinkingControl,
    tmax: flags.thinkingMaxTokens,
    timeout: flags.timeoutPerCase ?? 0,
    stream: Boolean(flags.stream),
  };
  let journal: Journal;
  try {
    journal = journalPath ? await openJournal(journalPath, { identity }) : memoryJournal();
  } catch (error) {
    if (error instanceof InputError) throw new InputError(`${error.message}; use --fresh to discard it or --journal to choose another file`);
    throw error;
  }
  const resumed = journal.entries().length;
  if (resumed > 0 && !flags.quiet) process.stderr.write(`resuming from ${journalPath}: ${resumed} scenario(s) already done\n`);

  let result;
  try {
    result = await runQuality(
      {
        endpoint: flags.endpoint,
        model: flags.model,
        packs,
        mode,
        scenarios: flags.scenario ?? [],
        repeat: flags.repeats,
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
        ...(code ? { execution: executionContext(code.executor) } : {}),
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
  if (code?.warnings.length) result.warnings.unshift(...code.warnings);
  if (flags.out) await writeQualityResult(flags.out, result);
  // The run is complete and saved: the next identical command starts fresh.
  if (journalPath) await rm(journalPath, { force: true });
  process.stdout.write(renderReport(result));
  if (flags.out) process.stdout.write(`saved ${flags.out}\n`);
  if (previous) {
    const comparison = compareResults(previous, result);
    process.stdout.write(`\n${renderComparison(comparison, flags.previousResult as string)}\n`);
    if (flags.exitOnRegression && comparison.regressions.length > 0) return 3;
  }
  return 0;
}
