// `nightshift validate`'s work: every file's verdict against schema.json (valid, invalid with each problem,
// or unreadable), printed or as JSON, and the exit code: 0 all valid, 3 any invalid, 2 any unreadable.
import { readFile } from 'node:fs/promises';
import { validateEnvelope } from '../../activities/envelope/validate.js';

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
