// tool_call verifier: checks the tool calls of a single response. Argument checks read the FIRST
// call's arguments; order checks compare the leading calls' names; a response with no tool calls
// fails outright unless the scenario expects none (tool_call_count 0, or only content checks).
import { type CheckResult, type Verdict, failVerdict, verdictFromChecks } from '../failure-modes.js';
import type { Assert, Scenario } from '../pack-types.js';
import { pyEquals, pyListRepr, pyStr } from '../py-semantics.js';
import { pythonRegex } from '../python-regex.js';
import { answerText, toolCalls } from '../response-text.js';
import { isRecord } from '../../../../workflows/shared/records.js';

function callName(call: Record<string, unknown>): string {
  const fn = isRecord(call.function) ? call.function : {};
  const name = call.name ?? fn.name;
  return typeof name === 'string' ? name : '';
}

class BadArguments extends Error {}

function callArgs(call: Record<string, unknown>): Record<string, unknown> {
  const fn = isRecord(call.function) ? call.function : {};
  const raw = call.arguments !== undefined ? call.arguments : (fn.arguments ?? {});
  if (isRecord(raw)) return raw;
  if (typeof raw === 'string') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw === '' ? '{}' : raw);
    } catch (error) {
      throw new BadArguments((error as Error).message);
    }
    // JSON that is not an object (e.g. "[1]") has no named arguments to check.
    return isRecord(parsed) ? parsed : {};
  }
  return {};
}

export function verifyToolCall(scenario: Scenario, response: unknown): Verdict {
  const calls = toolCalls(response);
  const asserts = scenario.verifier.asserts;
  const allowsZeroCalls =
    asserts.some((a) => a.kind === 'tool_call_count' && a.value === 0) || asserts.every((a) => a.kind === 'content_regex');
  if (calls.length === 0 && asserts.length > 0 && !allowsZeroCalls) {
    return failVerdict('wrong_answer', 'response did not include tool_calls');
  }
  let args: Array<Record<string, unknown>>;
  try {
    args = calls.map(callArgs);
  } catch (error) {
    return failVerdict('invalid_json', `tool arguments were not JSON: ${(error as Error).message}`);
  }
  const names = calls.map(callName);
  const first = args[0] ?? {};
  const content = answerText(response).text;
  return verdictFromChecks(
    asserts.map((a) => check(a, names, first, content)),
    'all tool-call assertions passed',
  );
}

function check(a: Assert, names: string[], first: Record<string, unknown>, content: string): CheckResult {
  const fail = (detail: string): CheckResult => ({ mode: 'verifier_fail', detail });
  switch (a.kind) {
    case 'exact_function_name':
      return names[0] === a.value ? undefined : fail(`expected first tool ${String(a.value)}, got ${pyListRepr(names.slice(0, 1))}`);
    case 'function_name_in': {
      const values = a.values as string[];
      return names[0] !== undefined && values.includes(names[0]) ? undefined : fail(`first tool ${pyListRepr(names.slice(0, 1))} not in ${pyListRepr([...values].sort())}`);
    }
    case 'tool_call_count':
      return names.length === a.value ? undefined : fail(`expected ${String(a.value)} tool calls, got ${names.length}`);
    case 'required_function_names': {
      const missing = (a.values as string[]).filter((n) => !names.includes(n));
      return missing.length === 0 ? undefined : fail(`missing required tools: ${missing.join(', ')}`);
    }
    case 'content_regex':
      return pythonRegex(a.pattern as string, 'ms').test(content) ? undefined : fail('content regex did not match');
    case 'required_args_present': {
      const missing = (a.args as string[]).filter((k) => !Object.hasOwn(first, k));
      return missing.length === 0 ? undefined : fail(`missing arguments: ${missing.join(', ')}`);
    }
    case 'forbidden_args_absent': {
      const present = (a.args as string[]).filter((k) => Object.hasOwn(first, k));
      return present.length === 0 ? undefined : fail(`forbidden arguments present: ${present.join(', ')}`);
    }
    case 'exact_arg_value': {
      const arg = a.arg as string;
      return Object.hasOwn(first, arg) && pyEquals(first[arg], a.value) ? undefined : fail(`${arg} value mismatch`);
    }
    case 'arg_regex': {
      const arg = a.arg as string;
      const value = Object.hasOwn(first, arg) ? pyStr(first[arg]) : '';
      return pythonRegex(a.pattern as string).test(value) ? undefined : fail(`${arg} did not match regex`);
    }
    case 'arg_in_enum': {
      const arg = a.arg as string;
      const values = Array.isArray(a.values) ? a.values : [];
      return Object.hasOwn(first, arg) && values.some((v) => pyEquals(first[arg], v)) ? undefined : fail(`${arg} not in enum`);
    }
    case 'arg_numeric_range': {
      const arg = a.arg as string;
      const value = first[arg];
      if (typeof value !== 'number') return fail(`${arg} was not numeric`);
      const low = typeof a.min === 'number' && value < a.min;
      const high = typeof a.max === 'number' && value > a.max;
      return low || high ? fail(`${arg} out of range`) : undefined;
    }
    case 'multi_call_order': {
      const expected = a.expected_names as string[];
      const head = names.slice(0, expected.length);
      return head.length === expected.length && head.every((n, i) => n === expected[i])
        ? undefined
        : fail(`expected tool order ${pyListRepr(expected)}, got ${pyListRepr(names)}`);
    }
    default:
      return fail(`unknown tool_call assertion: ${a.kind}`);
  }
}
