// reason_math verifier. `exact_string` with answer metadata is graded on two axes, upstream style:
// the answer axis (2 = the last "ANSWER: " line equals the canonical or an accepted answer, 1 = a
// declared partial answer, 0 = otherwise) decides pass/fail; the trace axis (published checkpoints
// found in the visible work or the reasoning) only feeds the partial score, 70/30.
import { type CheckResult, type Verdict, verdictFromChecks } from '../failure-modes.js';
import type { Assert, Scenario } from '../pack-types.js';
import { pyRound } from '../py-semantics.js';
import { pythonRegex } from '../python-regex.js';
import { answerText, textChannels } from '../response-text.js';

const norm = (s: string): string => s.replace(/\s+/g, ' ').trim().toLowerCase();
const normLabel = (s: string): string => norm(s.replace(/_/g, ' '));

/** The last line that starts exactly with "ANSWER: ". */
export function answerLine(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').replace(/\r/g, '\n').split('\n');
  return lines.filter((l) => l.startsWith('ANSWER: ')).at(-1) ?? '';
}

const payload = (line: string): string => line.replace(/^ANSWER:\s*/i, '').trim();

/** One-value answers may drop or rename the key: "ANSWER: 0.3125" matches "kg=0.3125". */
function singleValueMatch(canonical: string, line: string): boolean {
  const canonicalPayload = payload(canonical);
  if (canonicalPayload.includes(';') || !canonicalPayload.includes('=')) return false;
  const eq = canonicalPayload.indexOf('=');
  const key = normLabel(canonicalPayload.slice(0, eq));
  const value = norm(canonicalPayload.slice(eq + 1));
  const actual = norm(payload(line));
  if (actual === value) return true;
  if (actual.replace(/^[a-z_][a-z0-9_ ]*=\s*/i, '').trim() === value) return true;
  return actual.includes(key) && actual.includes(value);
}

function answerAxis(a: Assert, text: string): { points: number; note?: string } {
  const line = answerLine(text);
  if (!line) return { points: 0, note: 'Missing final "ANSWER: " line.' };
  const canonical = typeof a.canonical_answer === 'string' && a.canonical_answer ? a.canonical_answer : `ANSWER: ${String(a.value).trim()}`;
  const n = norm(line);
  const accepted = ((a.accepted_answers as string[] | undefined) ?? []).map(norm);
  const partial = ((a.partial_answers as string[] | undefined) ?? []).map(norm);
  if (n === norm(canonical) || accepted.includes(n) || singleValueMatch(canonical, line)) return { points: 2 };
  if (partial.includes(n)) return { points: 1, note: 'Matched a scenario-defined partial answer.' };
  return { points: 0, note: `Unexpected final line: ${line}` };
}

function checkpointMatches(checkpoint: string, normalizedText: string): boolean {
  if (normalizedText.includes(norm(checkpoint))) return true;
  const eq = checkpoint.indexOf('=');
  if (eq === -1) return false;
  return normalizedText.includes(normLabel(checkpoint.slice(0, eq))) && normalizedText.includes(norm(checkpoint.slice(eq + 1)));
}

function traceAxis(a: Assert, channels: Array<{ source: string; text: string }>): { points: number; note?: string; sources: string[] } {
  const checkpoints = ((a.checkpoints as string[] | undefined) ?? []).map(String);
  if (checkpoints.length === 0) return { points: 2, sources: [] };
  const all = norm(channels.map((c) => c.text).join('\n'));
  const matched = checkpoints.filter((c) => checkpointMatches(c, all));
  const sourceSet = new Set<string>();
  for (const c of matched) for (const ch of channels) if (checkpointMatches(c, norm(ch.text))) sourceSet.add(ch.source);
  const sources = channels.map((c) => c.source).filter((s) => sourceSet.has(s));
  const sourceNote = sources.length ? ` Trace sources: ${sources.join(', ')}.` : '';
  if (matched.length === checkpoints.length) {
    return { points: 2, ...(sources.length ? { note: `Matched checkpoints across ${sources.join(', ')}.` } : {}), sources };
  }
  if (matched.length) return { points: 1, note: `Matched ${matched.length}/${checkpoints.length} checkpoints.${sourceNote}`, sources };
  return { points: 0, note: `No published checkpoints matched.${sourceNote}`, sources };
}

function numbers(text: string): number[] {
  return (text.match(/-?\d+(?:,\d{3})*(?:\.\d+)?/g) ?? []).map((m) => Number(m.replace(/,/g, '')));
}

function answerRegion(text: string): string {
  const matches = [...text.matchAll(/^[ \t]*ANSWER[ \t]*:[ \t]*(.*)$/gim)];
  const last = matches.at(-1);
  return last ? (last[1] ?? '') : text;
}

export function verifyReasonMath(scenario: Scenario, response: unknown): Verdict {
  const text = answerText(response).text.trim();
  const graded = scenario.verifier.asserts.find(
    (a) => a.kind === 'exact_string' && ['canonical_answer', 'accepted_answers', 'partial_answers', 'checkpoints'].some((k) => k in a),
  );
  // The two-axis grading owns the verdict when present (benchlocal-cli returns on it, too).
  const before = graded ? scenario.verifier.asserts.slice(0, scenario.verifier.asserts.indexOf(graded)) : scenario.verifier.asserts;
  const earlier = before.map((a) => check(a, text));
  const firstFailure = earlier.find((c) => c !== undefined);
  if (!graded || firstFailure) return verdictFromChecks(earlier, 'all reasoning/math assertions passed');
  const channels = textChannels(response);
  const answer = answerAxis(graded, text);
  const trace = traceAxis(graded, channels);
  const score = pyRound(100 * (0.7 * (answer.points / 2) + 0.3 * (trace.points / 2)));
  const passed = answer.points === 2;
  const notes = [answer.note, trace.note].filter(Boolean).join(' ');
  return {
    passed,
    failure_mode: passed ? 'passed' : 'wrong_answer',
    detail: `Answer axis ${answer.points}/2, trace axis ${trace.points}/2 (${score}%). ${notes}`.trim(),
    score,
    verifier_trace: {
      upstream_style_score: score,
      answer_axis_points: answer.points,
      trace_axis_points: trace.points,
      trace_sources: trace.sources,
      status_threshold: 'pass when answer_axis_points == 2; trace axis is diagnostic',
      notes: notes || null,
    },
  };
}

function check(a: Assert, text: string): CheckResult {
  switch (a.kind) {
    case 'exact_numeric': {
      const nums = numbers(text);
      if (nums.length === 0) return { mode: 'no_answer_found', detail: 'no numeric answer found' };
      return nums.includes(a.value as number) ? undefined : { mode: 'wrong_answer', detail: `expected numeric value ${String(a.value)}` };
    }
    case 'tolerance_numeric': {
      const nums = numbers(text);
      if (nums.length === 0) return { mode: 'no_answer_found', detail: 'no numeric answer found' };
      const target = a.value as number;
      const tol = a.tolerance as number;
      return nums.some((n) => Math.abs(n - target) <= tol) ? undefined : { mode: 'wrong_answer', detail: `expected ${target} within ${tol}` };
    }
    case 'exact_string': {
      const value = String(a.value).trim();
      if (value === '') return { mode: 'verifier_fail', detail: 'exact_string with an empty value cannot be checked' };
      if (text.includes(value)) return undefined;
      // Bare or renamed-key values on the final ANSWER line also count (key=value is for multi-value answers).
      const region = norm(answerRegion(text));
      const expected = value.split(';').map((part) => norm(part.includes('=') ? part.slice(part.indexOf('=') + 1) : part));
      return expected.length && expected.every((e) => e && region.includes(e)) ? undefined : { mode: 'wrong_answer', detail: `expected string '${value}'` };
    }
    case 'regex_match':
      return pythonRegex(a.pattern as string, 'im').test(text) ? undefined : { mode: 'wrong_answer', detail: 'regex did not match answer' };
    default:
      return { mode: 'verifier_fail', detail: `unknown reason_math assertion: ${a.kind}` };
  }
}
