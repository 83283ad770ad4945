// answer_match verifier: benchlocal-cli's exact-answer scorer for its reasoning packs (GSM-Symbolic's
// `exact_numeric`, GPQA's `exact_letter`), with its semantics reproduced rule for rule so the verdicts
// are the same (test/activities/quality/reasoning-conformance.test.ts runs the real benchlocal-cli on the
// same responses):
//
// - the search text is the capture after the FIRST "ANSWER:" / "FINAL:" (any case, ASCII or full-width
//   colon, anywhere in the text, the colon's following whitespace may span lines), else the whole text;
// - numbers are `[-+]?digits(,ddd)*(.digits)?` with Python's Unicode digits (Arabic-Indic, Devanagari …
//   count, as Python's float() reads them), commas dropped; the answer passes when ANY of them equals the
//   expected value exactly (binary64, as Python's float);
// - letters: the first A–D standing alone (Python's Unicode word boundaries) in the final line, else in
//   the whole text;
// - asserts are checked in order, the first failing one decides.
import { type Verdict, failVerdict } from '../failure-modes.js';
import type { Scenario } from '../pack-types.js';
import { answerText } from '../response-text.js';

const FINAL_LINE = /(?:ANSWER|FINAL)\s*[:：]\s*([^\n]+)/iu;
const NUMBER = /[-+]?\p{Nd}+(?:,\p{Nd}{3})*(?:\.\p{Nd}+)?/gu;
// Python's \w is letters, numbers and "_" (str.isalnum); \b sits between such a character and any other.
const LETTER = /(?<![\p{L}\p{N}_])([A-D])(?![\p{L}\p{N}_])/iu;

let digitValues: Map<string, number> | undefined;

/** Unicode decimal digits come in runs of ten, 0 to 9 (a Unicode stability guarantee). */
function digitValue(ch: string): number {
  if (!digitValues) {
    digitValues = new Map();
    let run = 0;
    for (let cp = 0; cp <= 0x1ffff; cp++) {
      const c = String.fromCodePoint(cp);
      if (/\p{Nd}/u.test(c)) digitValues.set(c, run++ % 10);
      else run = 0;
    }
  }
  return digitValues.get(ch) ?? Number.NaN;
}

/** Python float() of a matched number: ASCII-fies Unicode digits first (float accepts them). */
function pyFloat(text: string): number {
  const ascii = text.replace(/\p{Nd}/gu, (ch) => String(digitValue(ch)));
  return Number(ascii);
}

function numbers(text: string): number[] {
  const final = FINAL_LINE.exec(text);
  const search = final ? (final[1] ?? '') : text;
  return [...search.matchAll(NUMBER)].map((m) => pyFloat(m[0].replaceAll(',', '')));
}

/** Python float(str(value).replace(",", "")) of the expected value; NaN (never equal) when not a number. */
function expectedNumber(value: unknown): number {
  const text = String(value).replaceAll(',', '').replaceAll('_', '').trim();
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text) ? Number(text) : Number.NaN;
}

function letter(text: string): string | undefined {
  const final = FINAL_LINE.exec(text);
  for (const candidate of [...(final ? [final[1] ?? ''] : []), text]) {
    const m = LETTER.exec(candidate.trim());
    if (m) return (m[1] as string).toUpperCase();
  }
  return undefined;
}

export function verifyAnswerMatch(scenario: Scenario, response: unknown): Verdict {
  const text = answerText(response).text.trim();
  for (const a of scenario.verifier.asserts) {
    if (a.kind === 'exact_letter') {
      const got = letter(text);
      const expected = String(a.value).trim().toUpperCase();
      if (got === undefined) return failVerdict('no_answer_found', 'no A/B/C/D answer letter found');
      if (got !== expected) return failVerdict('wrong_answer', `expected ${expected}, got ${got}`);
    } else if (a.kind === 'exact_numeric' || a.kind === 'tolerance_numeric') {
      const found = numbers(text);
      if (found.length === 0) return failVerdict('no_answer_found', 'no numeric answer found');
      const target = expectedNumber(a.value);
      if (a.kind === 'exact_numeric') {
        if (!found.some((n) => n === target)) return failVerdict('wrong_answer', `expected numeric value ${String(a.value)}`);
      } else {
        const tolerance = expectedNumber(a.tolerance);
        if (!found.some((n) => Math.abs(n - target) <= tolerance)) return failVerdict('wrong_answer', `expected ${pyFloatRepr(target)} within ${pyFloatRepr(tolerance)}`);
      }
    } else {
      return failVerdict('verifier_fail', `unknown answer_match assertion: ${a.kind}`);
    }
  }
  return { passed: true, failure_mode: 'passed', detail: 'answer-match assertions passed', score: 100, verifier_trace: null };
}

/** Python's repr of a float (benchlocal-cli formats the tolerance message with it): 5 → "5.0". */
function pyFloatRepr(x: number): string {
  return Number.isInteger(x) ? `${x}.0` : String(x);
}
