// HumanEval+ and LiveCodeBench (benchlocal-cli's `_stub` packs, chosen by `raw_problem.dataset`): the
// model's Python runs against the problem's tests in the sandbox. The program is assembled as
// benchlocal-cli's code-reasoning verifier assembles it, so a verdict here means what it means there:
//
// - HumanEval+: the extracted code, the pack's EvalPlus `check` test (which imports numpy), then
//   `check(<entry_point>)`;
// - LiveCodeBench: `from typing import *` after any `from __future__` lines, the code, then a harness that
//   finds `Solution().<fn>` or a top-level `<fn>`, calls it with each public test's input lines (each
//   parsed as JSON, else kept as a string) and compares json.dumps(…, sort_keys=True) of the result
//   with the expected output's.
//
// Verdicts as there: tests pass → passed; no code found → wrong_answer; an AssertionError → wrong_answer;
// a SyntaxError/IndentationError or any other error → verifier_fail; the time limit (30 s, theirs) →
// timeout. Added here: a program the sandbox stopped (a network socket, a file past the size limit) →
// sandbox_violation.
import { failVerdict, type FailureMode, type Verdict } from '../failure-modes.js';
import type { Scenario } from '../pack-types.js';
import { codeAnswerText } from '../response-text.js';
import { type ExecutionContext, executionTrace, runProgram } from '../code/execution-context.js';
import { extractPython } from '../code/extract-python.js';
import { isRecord } from '../../../../workflows/shared/records.js';

/** benchlocal-cli's subprocess timeout for one program. */
const CODE_LIMITS = { wallSeconds: 30, cpuSeconds: 30, memoryMiB: 1024 };
const ERROR_TAIL = 1200;

// Nightshift's own harness (same rules as benchlocal-cli's, see above), appended to the solution file.
const LCB_HARNESS = `

def _nightshift_check(function_name):
    import json
    with open("tests.json", encoding="utf-8") as handle:
        cases = json.load(handle)
    namespace = globals()
    if "Solution" in namespace and hasattr(namespace["Solution"], function_name):
        function = getattr(namespace["Solution"](), function_name)
    elif function_name in namespace:
        function = namespace[function_name]
    else:
        raise RuntimeError(f"entry point {function_name} not found")

    def value(text):
        try:
            return json.loads(text)
        except Exception:
            return text

    for index, case in enumerate(cases):
        arguments = [value(line) for line in case["input"].splitlines() if line.strip() != ""]
        expected = value(case["output"])
        actual = function(*arguments)
        if json.dumps(actual, sort_keys=True) != json.dumps(expected, sort_keys=True):
            raise AssertionError(f"test {index}: expected {expected!r}, got {actual!r}")
`;

/** Python's str.splitlines() boundaries. */
// eslint-disable-next-line no-control-regex -- \x1c–\x1e are line boundaries to Python's splitlines()
const PY_LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;

export function withTypingPrelude(code: string): string {
  const lines = code.split(PY_LINE_BREAK);
  // splitlines() drops the empty piece after a final line break.
  if (lines.at(-1) === '' && PY_LINE_BREAK.test(code.slice(-2))) lines.pop();
  let at = 0;
  while (at < lines.length && (lines[at] as string).startsWith('from __future__ import ')) at++;
  lines.splice(at, 0, 'from typing import *');
  return lines.join('\n') + (code.endsWith('\n') ? '\n' : '');
}

export function lcbFunctionName(problem: Record<string, unknown>): string {
  let meta: unknown = problem.metadata ?? {};
  if (typeof meta === 'string') {
    try {
      meta = JSON.parse(meta);
    } catch {
      meta = {};
    }
  }
  if (isRecord(meta)) {
    for (const key of ['func_name', 'function_name', 'fn_name', 'entry_point']) {
      const name = meta[key];
      if (typeof name === 'string' && name) return name;
    }
  }
  const m = /def\s+(\w+)\s*\(/.exec(typeof problem.starter_code === 'string' ? problem.starter_code : '');
  return m?.[1] ?? '';
}

/** The program files for a problem, or why there are none. */
export function programFor(scenario: Scenario, code: string): { files: Record<string, string> } | { problem: string } {
  const raw = isRecord(scenario.raw_problem) ? scenario.raw_problem : {};
  if (raw.dataset === 'humaneval-plus') {
    const test = typeof raw.test === 'string' ? raw.test : '';
    const entry = typeof raw.entry_point === 'string' ? raw.entry_point : '';
    return { files: { 'solution.py': `${code}\n\n${test}\n\ncheck(${entry})\n` } };
  }
  if (raw.dataset === 'livecodebench-v6') {
    const fn = lcbFunctionName(raw);
    if (!fn) return { problem: 'no LiveCodeBench entry point found' };
    const tests = typeof raw.public_test_cases === 'string' ? raw.public_test_cases : '[]';
    return { files: { 'solution.py': `${withTypingPrelude(code)}\n${LCB_HARNESS}\n_nightshift_check(${JSON.stringify(fn)})\n`, 'tests.json': tests } };
  }
  return { problem: `unknown code dataset ${JSON.stringify(raw.dataset ?? null)}` };
}

function failureModeOf(stderr: string): FailureMode {
  if (/SyntaxError|IndentationError/.test(stderr)) return 'verifier_fail';
  if (stderr.includes('AssertionError')) return 'wrong_answer';
  return 'verifier_fail';
}

export async function verifyCodeReasoning(scenario: Scenario, response: unknown, context: ExecutionContext): Promise<Verdict> {
  const { text, source } = codeAnswerText(response);
  const { code, ...how } = extractPython(text);
  const info = { ...how, response_field_used: source };
  if (!code.trim()) return failVerdict('wrong_answer', `${scenario.id}: no runnable-looking Python code extracted`, info);
  const program = programFor(scenario, code);
  if ('problem' in program) return failVerdict('verifier_fail', `${scenario.id}: ${program.problem}`, info);
  const python = await context.runtime('python');
  if (!python.found) return failVerdict('skipped', python.reason, info);
  const { result } = await runProgram(context, { files: program.files, command: [python.runtime.command, 'solution.py'], runtimes: [python.runtime], limits: CODE_LIMITS });
  const trace = { ...info, code_excerpt: code.slice(0, 800), execution: executionTrace(context, result) };
  if (result.verdict === 'ok') return { passed: true, failure_mode: 'passed', detail: `${scenario.id}: tests passed`, score: 100, verifier_trace: trace };
  if (result.verdict === 'timeout') return failVerdict('timeout', `${scenario.id}: TIMEOUT (${result.detail})`, trace);
  if (result.verdict === 'sandbox_violation') return failVerdict('sandbox_violation', `${scenario.id}: ${result.detail}`, trace);
  const err = result.stderr.slice(-ERROR_TAIL);
  return failVerdict(failureModeOf(err), `${scenario.id}: ${err || 'tests failed'}`.slice(0, ERROR_TAIL), trace);
}
