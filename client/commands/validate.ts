// `nightshift validate FILE...`: 0 when every file is a valid envelope, 3 when any is invalid,
// 2 when a file cannot be read or is not JSON (that wins over 3: the input itself is broken).
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { validateEnvelope } from '../../activities/envelope/validate.js';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check result envelopes against schema.json, listing every problem')
    .argument('<files...>', 'envelope JSON files')
    .option('--json', 'print the verdicts as JSON')
    .action(async (files: string[], options: { json?: boolean }) => {
      process.exitCode = await validateFiles(files, options.json === true);
    });
}

interface Verdict {
  file: string;
  status: 'valid' | 'invalid' | 'unreadable';
  problems: Array<{ path?: string; rule?: string; message: string }>;
}

export async function validateFiles(files: string[], asJson: boolean): Promise<number> {
  const verdicts: Verdict[] = [];
  for (const file of files) verdicts.push(await verdictFor(file));
  if (asJson) {
    process.stdout.write(`${JSON.stringify(verdicts, null, 2)}\n`);
  } else {
    for (const v of verdicts) {
      const stream = v.status === 'valid' ? process.stdout : process.stderr;
      stream.write(`${v.file}: ${v.status}${v.problems.length ? ` (${v.problems.length} problem${v.problems.length > 1 ? 's' : ''})` : ''}\n`);
      for (const p of v.problems) stream.write(`  ${p.path ? `${p.path}: ` : ''}${p.message}${p.rule ? ` [${p.rule}]` : ''}\n`);
    }
  }
  if (verdicts.some((v) => v.status === 'unreadable')) return 2;
  if (verdicts.some((v) => v.status === 'invalid')) return 3;
  return 0;
}

async function verdictFor(file: string): Promise<Verdict> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return { file, status: 'unreadable', problems: [{ message: `cannot read file: ${(error as Error).message}` }] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { file, status: 'unreadable', problems: [{ message: `not JSON: ${(error as Error).message}` }] };
  }
  const result = validateEnvelope(parsed);
  if (result.valid) return { file, status: 'valid', problems: [] };
  return { file, status: 'invalid', problems: result.issues.map(({ path, rule, message }) => ({ path, rule, message })) };
}
