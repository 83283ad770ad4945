// struct_output verifier: JSON, JSON Schema, CSV header, YAML, Markdown and regex checks on the answer.
// A single enclosing ``` fence is tolerated for the parsers (as benchlocal-cli does); JSON Schema is
// validated with ajv's 2020-12 dialect, the draft Python's jsonschema picks by default.
import AjvModule, { type ValidateFunction } from 'ajv/dist/2020.js';
import { parseDocument } from 'yaml';
import { type CheckResult, type Verdict, verdictFromChecks } from '../failure-modes.js';
import type { Assert, Scenario } from '../pack-types.js';
import { PathNotFound, getPath, pyEquals, pyStr } from '../py-semantics.js';
import { pythonRegex } from '../python-regex.js';
import { answerText, stripCodeFence } from '../response-text.js';
import { isRecord } from '../../../../workflows/shared/records.js';

const Ajv2020 = AjvModule.default;
const ajv = new Ajv2020({ strict: false, allErrors: false });
const schemaCache = new WeakMap<object, ValidateFunction>();

type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

export function verifyStructOutput(scenario: Scenario, response: unknown): Verdict {
  const text = answerText(response).text;
  let json: Parsed | undefined;
  const parsedJson = (): Parsed => (json ??= parseJson(text));
  return verdictFromChecks(
    scenario.verifier.asserts.map((a) => check(a, text, parsedJson)),
    'all structured-output assertions passed',
  );
}

export function parseJson(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(stripCodeFence(text)) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

function check(a: Assert, text: string, parsedJson: () => Parsed): CheckResult {
  const needJson = (): Parsed => parsedJson();
  switch (a.kind) {
    case 'json_parse_required': {
      const p = needJson();
      return p.ok ? undefined : { mode: 'invalid_json', detail: `JSON parse failed: ${p.error}` };
    }
    case 'json_schema': {
      const p = needJson();
      if (!p.ok) return { mode: 'invalid_json', detail: `JSON parse failed: ${p.error}` };
      const schema = a.schema as object;
      let validate = schemaCache.get(schema);
      if (!validate) {
        validate = ajv.compile(schema);
        schemaCache.set(schema, validate);
      }
      if (validate(p.value)) return undefined;
      const e = validate.errors?.[0];
      return { mode: 'schema_violation', detail: e ? `${e.instancePath || '$'} ${e.message ?? 'violates the schema'}` : 'violates the schema' };
    }
    case 'exact_json': {
      const p = needJson();
      if (!p.ok) return { mode: 'invalid_json', detail: `JSON parse failed: ${p.error}` };
      return pyEquals(p.value, a.value) ? undefined : { mode: 'verifier_fail', detail: 'JSON value mismatch' };
    }
    case 'jsonpath_assertion': {
      const p = needJson();
      if (!p.ok) return { mode: 'invalid_json', detail: `JSON parse failed: ${p.error}` };
      let value: unknown;
      try {
        value = getPath(p.value, (a.path as string).slice(2));
      } catch (error) {
        if (!(error instanceof PathNotFound)) throw error;
        return { mode: 'missing_field', detail: `jsonpath not found: ${error.message}` };
      }
      if ('value' in a && !pyEquals(value, a.value)) return { mode: 'verifier_fail', detail: 'jsonpath value mismatch' };
      if (typeof a.regex === 'string' && !pythonRegex(a.regex).test(pyStr(value))) return { mode: 'verifier_fail', detail: 'jsonpath regex mismatch' };
      return undefined;
    }
    case 'yaml_parse_required': {
      const problem = yamlProblem(text);
      return problem ? { mode: 'wrong_structure', detail: `YAML parse failed: ${problem}` } : undefined;
    }
    case 'csv_columns': {
      const header = csvHeader(stripCodeFence(text));
      if (header === undefined) return { mode: 'wrong_structure', detail: 'CSV parse failed: no header row' };
      const expected = a.expected as string[];
      const got = header.map((c) => c.trim());
      return got.length === expected.length && got.every((c, i) => c === expected[i])
        ? undefined
        : { mode: 'wrong_structure', detail: 'CSV columns mismatch' };
    }
    case 'markdown_structure': {
      const lines = text.split(/\r\n|\n|\r/).map((l) => l.trim());
      const positions: number[] = [];
      for (const header of a.headers as string[]) {
        const at = lines.indexOf(header);
        if (at === -1) return { mode: 'wrong_structure', detail: `missing markdown header ${header}` };
        positions.push(at);
      }
      return positions.every((p, i) => p >= (positions[i - 1] ?? -Infinity)) ? undefined : { mode: 'wrong_structure', detail: 'markdown headers out of order' };
    }
    case 'format_regex':
      return pythonRegex(a.pattern as string, 'ms').test(text) ? undefined : { mode: 'wrong_structure', detail: 'format regex did not match' };
    default:
      return { mode: 'verifier_fail', detail: `unknown struct_output assertion: ${a.kind}` };
  }
}

/** A YAML answer must parse cleanly and be a non-empty mapping (a configuration, not a scalar). */
function yamlProblem(text: string): string | undefined {
  const doc = parseDocument(stripCodeFence(text), { uniqueKeys: true });
  const [firstError] = doc.errors;
  if (firstError) return firstError.message.split('\n')[0];
  const value: unknown = doc.toJS();
  if (!isRecord(value) || Object.keys(value).length === 0) return 'expected a non-empty mapping of keys to values';
  return undefined;
}

/** First record of a CSV text (RFC 4180 quoting: "a,b" is one field, "" is a quote). */
export function csvHeader(text: string): string[] | undefined {
  if (text === '') return undefined;
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
      continue;
    }
    // As in Python's csv module, a quote opens quoting only at the start of a field.
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') break;
    else field += ch;
  }
  fields.push(field);
  return fields;
}
