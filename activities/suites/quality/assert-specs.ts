// Which assert kinds each verifier type understands and which fields each kind needs, so a pack is
// checked once at load time (line number, field, what was expected) instead of failing mid-run.
import type { VerifierType } from './pack-types.js';

export type FieldRule =
  | 'string'
  | 'string[]'
  | 'pattern'
  | 'int>=0'
  | 'number'
  | 'boolean'
  | 'object'
  | 'any'
  | 'case'
  | 'jsonpath'
  | 'number|string';

export interface FieldSpec {
  rule: FieldRule;
  optional?: boolean;
}

type KindSpecs = Record<string, Record<string, FieldSpec>>;

const req = (rule: FieldRule): FieldSpec => ({ rule });
const opt = (rule: FieldRule): FieldSpec => ({ rule, optional: true });

export const ASSERT_SPECS: Record<VerifierType, KindSpecs> = {
  tool_call: {
    exact_function_name: { value: req('string') },
    function_name_in: { values: req('string[]') },
    required_args_present: { args: req('string[]') },
    forbidden_args_absent: { args: req('string[]') },
    arg_regex: { arg: req('string'), pattern: req('pattern') },
    exact_arg_value: { arg: req('string'), value: req('any') },
    arg_in_enum: { arg: req('string'), values: req('any') },
    multi_call_order: { expected_names: req('string[]'), dependent: opt('boolean') },
    arg_numeric_range: { arg: req('string'), min: opt('number'), max: opt('number') },
    tool_call_count: { value: req('int>=0') },
    required_function_names: { values: req('string[]') },
    content_regex: { pattern: req('pattern') },
  },
  instruct_follow: {
    format_regex: { pattern: req('pattern') },
    max_length_words: { value: req('int>=0') },
    min_length_words: { value: req('int>=0') },
    exact_length_words: { value: req('int>=0') },
    required_phrase: { value: req('string') },
    required_phrase_any: { values: req('string[]') },
    forbidden_phrase: { value: req('string') },
    bullet_count: { value: req('int>=0') },
    case_only: { value: req('case') },
  },
  struct_output: {
    json_parse_required: {},
    jsonpath_assertion: { path: req('jsonpath'), value: opt('any'), regex: opt('pattern') },
    csv_columns: { expected: req('string[]') },
    yaml_parse_required: {},
    json_schema: { schema: req('object') },
    exact_json: { value: req('any') },
    markdown_structure: { headers: req('string[]') },
    format_regex: { pattern: req('pattern') },
  },
  data_extract: {
    field_required: { field: req('string') },
    field_exact_value: { field: req('string'), value: req('any') },
    field_regex: { field: req('string'), pattern: req('pattern') },
    field_in_set: { field: req('string'), values: req('any') },
    no_extra_fields: { allowed: req('string[]') },
  },
  reason_math: {
    exact_string: {
      value: req('string'),
      canonical_answer: opt('string'),
      accepted_answers: opt('string[]'),
      partial_answers: opt('string[]'),
      checkpoints: opt('string[]'),
    },
    exact_numeric: { value: req('number') },
    tolerance_numeric: { value: req('number'), tolerance: req('number') },
    regex_match: { pattern: req('pattern') },
  },
  // benchlocal-cli's reasoning packs (GSM-Symbolic, GPQA): values may be numbers or numeric strings.
  answer_match: {
    exact_numeric: { value: req('number|string') },
    tolerance_numeric: { value: req('number|string'), tolerance: req('number|string') },
    exact_letter: { value: req('string') },
  },
  _stub: {
    _stub: { reason: opt('string') },
  },
};

/** Python flags the scorer compiles each pattern field with (so load-time checks compile the same way). */
export function patternFlags(type: VerifierType, kind: string): string {
  if (kind === 'format_regex' || kind === 'content_regex') return 'ms';
  if (type === 'reason_math' && kind === 'regex_match') return 'im';
  return '';
}
