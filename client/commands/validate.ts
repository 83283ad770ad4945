// `nightshift validate FILE...`: 0 when every file is a valid envelope, 3 when any is invalid,
// 2 when a file cannot be read or is not JSON (that wins over 3: the input itself is broken).
import { Option, type Command } from 'commander';
import { renamedFlag, withExamples } from './grammar.js';

export function registerValidateCommand(program: Command): void {
  const validate = program
    .command('validate')
    .description('check result envelopes against schema.json, listing every problem')
    .argument('<files...>', 'envelope JSON files')
    .addOption(new Option('--format <format>', 'the verdicts as text lines or JSON').choices(['table', 'json']).default('table'))
    .action(async (files: string[], options: { format: 'table' | 'json' }) => {
      const { validateFiles } = await import('../validate/validate-files.js');
      process.exitCode = await validateFiles(files, options.format === 'json');
    });
  renamedFlag(validate, { old: '--json', now: '--format json', key: 'format', value: 'json' });
  withExamples(validate, ['nightshift validate ttft-qwen3-8b.json', 'nightshift validate results/*.json --format json']);
}
