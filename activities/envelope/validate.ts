// Envelope validation with ajv (draft-07, date-time format). Reports every problem at once, each with a
// JSON path, the rule broken, the offending value and a sentence a person can act on.
import { readFileSync } from 'node:fs';
import AjvModule, { type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Envelope } from '../../workflows/shared/envelope.js';
import { projectPath } from '../project-root.js';

// ajv and ajv-formats are CommonJS; under NodeNext their default export sits on `.default`.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

export const schemaPath = projectPath('schema.json');

export interface ValidationIssue {
  /** JSON path of the offending value, e.g. `$.results[0].value`. */
  path: string;
  /** The JSON Schema keyword that failed (required, type, enum, pattern …). */
  rule: string;
  /** The offending value, or undefined when a property is missing. */
  value: unknown;
  /** A sentence naming the problem and what was expected. */
  message: string;
}

export type ValidationResult =
  | { valid: true; envelope: Envelope; issues: [] }
  | { valid: false; issues: ValidationIssue[] };

export function compileSchema(schema: object) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv, ['date-time']);
  return ajv.compile(schema);
}

let compiled: ReturnType<typeof compileSchema> | undefined;
function envelopeValidator() {
  compiled ??= compileSchema(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
  return compiled;
}

export function validateEnvelope(candidate: unknown): ValidationResult {
  const validate = envelopeValidator();
  if (validate(candidate)) return { valid: true, envelope: candidate as Envelope, issues: [] };
  return { valid: false, issues: (validate.errors ?? []).map((e) => describeIssue(e, candidate)) };
}

/** Throws-free helper for callers that only want readable lines. */
export function formatIssues(issues: readonly ValidationIssue[]): string[] {
  return issues.map((i) => `${i.path}: ${i.message}`);
}

function describeIssue(error: ErrorObject, root: unknown): ValidationIssue {
  const segments = pointerSegments(error.instancePath);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') {
    const missing = String(params.missingProperty);
    return {
      path: toJsonPath([...segments, missing]),
      rule: 'required',
      value: undefined,
      message: `required field "${missing}" is missing`,
    };
  }
  if (error.keyword === 'additionalProperties') {
    const extra = String(params.additionalProperty);
    const value = valueAt(root, [...segments, extra]);
    return {
      path: toJsonPath([...segments, extra]),
      rule: 'additionalProperties',
      value,
      message: `unknown field "${extra}" is not allowed here`,
    };
  }
  const value = valueAt(root, segments);
  return { path: toJsonPath(segments), rule: error.keyword, value, message: sentence(error, params, value) };
}

function sentence(error: ErrorObject, params: Record<string, unknown>, value: unknown): string {
  const got = show(value);
  switch (error.keyword) {
    case 'type':
      return `expected ${String(params.type).replace(',', ' or ')}, got ${typeName(value)} ${got}`;
    case 'const':
      return `must be exactly ${show(params.allowedValue)}, got ${got}`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map(show).join(', ')}; got ${got}`;
    case 'format':
      return `must be a ${String(params.format)} (e.g. 2026-11-23T02:00:00Z), got ${got}`;
    case 'pattern':
      return `must match ${String(params.pattern)}, got ${got}`;
    case 'minLength':
      return `must be at least ${String(params.limit)} characters long, got ${got} (${String((value as string).length)})`;
    case 'minimum':
      return `must be ${String(params.comparison)} ${String(params.limit)}, got ${got}`;
    default:
      return `${error.message ?? 'is invalid'}, got ${got}`;
  }
}

function pointerSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function toJsonPath(segments: readonly string[]): string {
  let out = '$';
  for (const s of segments) {
    if (/^\d+$/.test(s)) out += `[${s}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s)) out += `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

function valueAt(root: unknown, segments: readonly string[]): unknown {
  let node: unknown = root;
  for (const s of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[s];
  }
  return node;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isInteger(value)) return 'integer';
  return typeof value;
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
