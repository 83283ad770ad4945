// `nightshift validate FILE...`: 0 when every file is a valid envelope, 3 when any is invalid,
// 2 when a file cannot be read or is not JSON (that wins over 3: the input itself is broken).
import type { Command } from 'commander';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check result envelopes against schema.json, listing every problem')
    .argument('<files...>', 'envelope JSON files')
    .option('--json', 'print the verdicts as JSON')
    .action(async (files: string[], options: { json?: boolean }) => {
      const { validateFiles } = await import('../validate/validate-files.js');
      process.exitCode = await validateFiles(files, options.json === true);
    });
}
