// instruct_follow verifier: deterministic constraint checks on the trimmed answer text. Words are runs
// of ASCII letters and digits ("don't" is two words), as benchlocal-cli counts them.
import { type CheckResult, type Verdict, verdictFromChecks } from '../failure-modes.js';
import type { Assert, Scenario } from '../pack-types.js';
import { pythonRegex } from '../python-regex.js';
import { answerText } from '../response-text.js';

export function countWords(text: string): number {
  return text.match(/[A-Za-z0-9]+/g)?.length ?? 0;
}

function nonEmptyLines(text: string): string[] {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
}

/** Python's str.title(): first letter of every run of letters upper, the rest lower. */
function pyTitle(text: string): string {
  return text.replace(/[A-Za-z]+/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase());
}

export function verifyInstructFollow(scenario: Scenario, response: unknown): Verdict {
  const text = answerText(response).text.trim();
  return verdictFromChecks(
    scenario.verifier.asserts.map((a) => check(a, text)),
    'all instruction-following assertions passed',
  );
}

function check(a: Assert, text: string): CheckResult {
  const fail = (detail: string): CheckResult => ({ mode: 'verifier_fail', detail });
  switch (a.kind) {
    case 'exact_length_words':
      return countWords(text) === a.value ? undefined : fail('word count mismatch');
    case 'max_length_words':
      return countWords(text) <= (a.value as number) ? undefined : fail('too many words');
    case 'min_length_words':
      return countWords(text) >= (a.value as number) ? undefined : fail('too few words');
    case 'case_only': {
      const letters = (text.match(/[A-Za-z]+/g) ?? []).join('');
      if (a.value === 'lowercase' && letters !== letters.toLowerCase()) return fail('response was not lowercase');
      if (a.value === 'uppercase' && letters !== letters.toUpperCase()) return fail('response was not uppercase');
      if (a.value === 'titlecase' && text !== pyTitle(text)) return fail('response was not titlecase');
      return undefined;
    }
    case 'format_regex':
      return pythonRegex(a.pattern as string, 'ms').test(text) ? undefined : fail('format regex did not match');
    case 'required_phrase':
      return text.includes(a.value as string) ? undefined : fail(`missing phrase '${String(a.value)}'`);
    case 'required_phrase_any': {
      const values = a.values as string[];
      return values.some((v) => text.includes(v)) ? undefined : fail(`missing every phrase of ${values.map((v) => `'${v}'`).join(', ')}`);
    }
    case 'forbidden_phrase':
      return text.includes(a.value as string) ? fail(`forbidden phrase '${String(a.value)}' present`) : undefined;
    case 'bullet_count': {
      const bullets = nonEmptyLines(text).filter((l) => /^[-*]\s+/.test(l));
      return bullets.length === a.value ? undefined : fail('bullet count mismatch');
    }
    default:
      return fail(`unknown instruct_follow assertion: ${a.kind}`);
  }
}
