// `nightshift run throughput|ttft --endpoint URL --model M [--config FILE] [--out FILE] [--format table|json]`: the command's
// flags; the work is client/run/standalone.ts, loaded when the command runs.
// Exit codes: 0 ok; 1 the suite failed and nothing was written (endpoint unreachable, every request
// failed, cancelled …); 2 bad arguments or config, including a server that rejects the requests as invalid
// (HTTP 4xx) — nothing written; 3 the envelope would be invalid (nothing written); 5 ran, but part of it
// failed: some cells produced no measurement (every request failed, or skipped because prompt + max_tokens
// exceed the server's context) — the envelope with what was measured is written.
import { Argument, Option, type Command } from 'commander';
import { EXIT_PAIRS_FAILED } from '../../activities/errors.js';
import { positiveInt, positiveIntList } from './flags.js';
import { renamedFlag } from './grammar.js';
import type { RunOptions } from '../run/standalone.js';

export function registerRunCommand(program: Command): void {
  const run = program
    .command('run')
    .description('run a native benchmark suite (throughput, ttft) against an OpenAI-compatible endpoint and write its envelope')
    .addArgument(new Argument('<suite>', 'suite to run').choices(['throughput', 'ttft']))
    .requiredOption('--endpoint <url>', 'OpenAI-compatible base URL, e.g. http://127.0.0.1:11434 (with or without /v1)')
    .requiredOption('--model <id>', 'model id as the endpoint serves it')
    .option('--config <file>', 'suite config (TOML); default configs/nightshift/<suite>.toml')
    .option('--out <file>', 'envelope file to write; default <suite>-<model>-<timestamp>.json in the current directory')
    .option('--git-sha <sha>', "commit recorded as git_sha (default: this Nightshift checkout's own HEAD, never the current directory's; 0000000 for an install without git metadata)")
    .option('--journal <file>', 'journal finished cells here; rerunning with the same file resumes')
    .option('--prompt-tokens <list>', 'override prompt_tokens, e.g. 128,512', positiveIntList('--prompt-tokens'))
    .option('--concurrency <list>', 'override concurrency levels, e.g. 1,4,16', positiveIntList('--concurrency'))
    .option('--max-tokens <n>', 'override max_tokens', positiveInt('--max-tokens'))
    .option('--repeats <n>', 'override repeats', positiveInt('--repeats'))
    .option('--runner <label>', 'recorded as system.runner')
    .option('--quantization <q>', "recorded as the envelope's quantization (default: the server's /props model_ftype, else the model's name, e.g. Q4_K_M, mlx-4bit)")
    .option('--server-pid <pid>', "the model server's process id, for memory readings (default: found from the endpoint)", positiveInt('--server-pid'))
    .option('--server-process <name>', "the model server's process name (e.g. llama-server, mlx_lm.server), for memory readings")
    .addOption(new Option('--no-memory', 'take no memory readings of the model server'))
    .addOption(new Option('--no-progress', 'no progress bar on stderr'))
    .addOption(new Option('--format <format>', 'stdout: the summary table, or the envelope as JSON').choices(['table', 'json']).default('table'))
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  nightshift run throughput --endpoint http://127.0.0.1:8080 --model my-model --out tp.json\n' +
        '  nightshift run ttft --endpoint http://127.0.0.1:8080 --model my-model --prompt-tokens 128,2048 --repeats 5 --format json\n' +
        '\nFirst the model is made ready as a sweep does: through llama-swap it is loaded and the load recorded as a\n' +
        'model_load result (cold or warm); a plain server must list the id on /v1/models (or serve one file of that name).\n' +
        '--out is checked before any work. Before measuring, two short requests probe the server\'s speed and the\n' +
        'estimated duration is printed on stderr.\n' +
        'Exit codes: 0 ok; 1 the suite failed, nothing written (endpoint unreachable, every request failed, cancelled);\n' +
        '2 bad arguments or config, or the server rejected the requests as invalid (HTTP 4xx), nothing written;\n' +
        '3 the envelope would be invalid, nothing written; 5 ran, but part of it failed (a cell whose every request\n' +
        'failed, or skipped because it cannot fit the server\'s context): the envelope is written.',
    )
    .action(async (suite: 'throughput' | 'ttft', options: RunOptions & { format: 'table' | 'json' }) => {
      const asJson = options.format === 'json';
      const { runStandalone } = await import('../run/standalone.js');
      const { summaryTable } = await import('../run/summary-table.js');
      const controller = new AbortController();
      const onSigint = (): void => controller.abort();
      process.once('SIGINT', onSigint);
      try {
        const { envelope, path, incomplete } = await runStandalone(suite, {
          ...options,
          signal: controller.signal,
          onEstimate: (line) => process.stderr.write(`nightshift run: ${line}\n`),
          onNote: (line) => process.stderr.write(`nightshift run: ${line}\n`),
        });
        if (asJson) process.stdout.write(`${JSON.stringify(envelope, null, 2)}\n`);
        else process.stdout.write(`${summaryTable(envelope)}\n${envelope.errors?.length ? `${envelope.errors.map((e) => `! ${e}`).join('\n')}\n` : ''}wrote ${path}\n`);
        if (incomplete) process.stderr.write(`nightshift run: incomplete: ${incomplete.reason}\n`);
        // Set on every run, so a long-lived caller of main() never sees an earlier run's code.
        process.exitCode = incomplete ? EXIT_PAIRS_FAILED : 0;
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
  // The old spelling, kept for one release (the one CLI grammar is --format).
  renamedFlag(run, { old: '--json', now: '--format json', key: 'format', value: 'json' });
}
