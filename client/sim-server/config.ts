// Simulator configuration: the file format (TOML or JSON), its JSON Schema, validation with errors that
// name the file and the key, and the normalised form the rest of the simulator works with (every
// default filled in, ranges as [min, max]). Kept separate from behaviour so a config can be checked
// without starting a server.
import { checkConfig, checkObject, configErrorOf, describeValue, readConfigFileSync, type ConfigText } from '../../activities/config/load-config.js';
import { keyLines, lineOf } from '../../activities/config/toml-locate.js';
import { ConfigError, type ConfigProblem } from '../../activities/errors.js';
import { isRecord } from '../../workflows/shared/records.js';
import { projectPath } from '../../activities/project-root.js';

export const DEFAULT_CONFIG_PATH = projectPath('configs', 'sim', 'demo.toml');

export type ReasoningField = 'reasoning_content' | 'reasoning' | 'think_tags';
export type FinishReason = 'stop' | 'length' | 'tool_calls';
export type QueuePolicy = 'wait' | 'reject';

export interface ScriptedToolCall {
  name: string;
  /** Object (serialised as JSON) or an already-serialised JSON string; absent means `{}`. */
  arguments?: Record<string, unknown> | string;
}

export interface ScriptEntry {
  /** Substring to look for (case-sensitive). Exactly one of match / regex. */
  match?: string;
  /** JavaScript regular expression source. */
  regex?: string;
  /** Regex flags, e.g. "i". */
  flags?: string;
  /** What to match against: the last user message (default) or the whole conversation. */
  on?: 'last_user' | 'conversation';
  reply?: string;
  reasoning?: string;
  tool_calls?: ScriptedToolCall[];
  finish_reason?: FinishReason;
}

/** Fault knobs; every rate is a probability in [0, 1] drawn per request from the seeded stream. */
export interface FaultSpec {
  error_rate: number;
  error_status: number;
  rate_limit_rate: number;
  disconnect_rate: number;
  disconnect_after_tokens: number;
  never_ending_rate: number;
  load_fail_rate: number;
  load_delay_ms: number;
  /** Exit the process once this many inference requests to this model have finished (0 = never). */
  crash_after_requests: number;
  /** Exit the process when the n-th inference request (1-based) to this model arrives (0 = never)… */
  crash_on_request: number;
  /** …or, for a streamed request, after this many of its tokens were sent (mid-stream crash). */
  crash_after_tokens: number;
}

export interface BatchingSpec {
  /** Requests decoded at once; more wait for a slot (queue = "wait") or get 429 (queue = "reject"). */
  slots: number;
  /** Per extra concurrent request, each request's decode slows by this fraction (0 = perfect scaling). */
  slowdown: number;
  queue: QueuePolicy;
}

export interface ReasoningSpec {
  enabled: boolean;
  field: ReasoningField;
  tokens: [number, number];
  /** Whether thinking is on when the request does not say (chat_template_kwargs.enable_thinking). */
  default_on: boolean;
}

export interface ModelSpec {
  id: string;
  name: string;
  description: string;
  preload: boolean;
  load_ms: number;
  prefill_tokens_per_second: number;
  decode_tokens_per_second: number;
  ttft_ms: number;
  jitter: number;
  reply_tokens: [number, number];
  context_length: number;
  usage_twice: boolean;
  batching: BatchingSpec;
  reasoning: ReasoningSpec;
  tool_call_rate: number;
  /** Whether its chat template takes tool definitions (llama.cpp /props chat_template_caps.supports_tools);
   * false drops offered tools, as such a template does. */
  supports_tools: boolean;
  scripts: ScriptEntry[];
  faults: FaultSpec;
}

export interface SimConfig {
  seed: number;
  max_loaded_models: number;
  models: ModelSpec[];
  /** Where the config came from, for messages. */
  source: string;
}

const range = { oneOf: [{ type: 'integer', minimum: 0 }, { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 2, maxItems: 2 }] };
const rate = { type: 'number', minimum: 0, maximum: 1 };
const nonNegative = { type: 'number', minimum: 0 };
const count = { type: 'integer', minimum: 0 };

const scriptSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    match: { type: 'string', minLength: 1 },
    regex: { type: 'string', minLength: 1 },
    flags: { type: 'string', pattern: '^[dgimsuvy]*$' },
    on: { enum: ['last_user', 'conversation'] },
    reply: { type: 'string' },
    reasoning: { type: 'string' },
    tool_calls: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: { name: { type: 'string', minLength: 1 }, arguments: { type: ['object', 'string'] } },
      },
    },
    finish_reason: { enum: ['stop', 'length', 'tool_calls'] },
  },
};

export const faultsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    error_rate: rate,
    error_status: { type: 'integer', minimum: 500, maximum: 599 },
    rate_limit_rate: rate,
    disconnect_rate: rate,
    disconnect_after_tokens: count,
    never_ending_rate: rate,
    load_fail_rate: rate,
    load_delay_ms: nonNegative,
    crash_after_requests: count,
    crash_on_request: count,
    crash_after_tokens: count,
  },
};

const modelFields = {
  name: { type: 'string' },
  description: { type: 'string' },
  preload: { type: 'boolean' },
  load_ms: nonNegative,
  prefill_tokens_per_second: nonNegative,
  decode_tokens_per_second: nonNegative,
  ttft_ms: nonNegative,
  jitter: rate,
  reply_tokens: range,
  context_length: { type: 'integer', minimum: 1 },
  usage_twice: { type: 'boolean' },
  batching: {
    type: 'object',
    additionalProperties: false,
    properties: { slots: { type: 'integer', minimum: 1 }, slowdown: nonNegative, queue: { enum: ['wait', 'reject'] } },
  },
  reasoning: {
    type: 'object',
    additionalProperties: false,
    properties: {
      enabled: { type: 'boolean' },
      field: { enum: ['reasoning_content', 'reasoning', 'think_tags'] },
      tokens: range,
      default_on: { type: 'boolean' },
    },
  },
  tool_call_rate: rate,
  supports_tools: { type: 'boolean' },
  scripts: { type: 'array', items: scriptSchema },
  faults: faultsSchema,
};

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['models'],
  properties: {
    seed: { type: 'integer', minimum: 0 },
    max_loaded_models: { type: 'integer', minimum: 1 },
    defaults: { type: 'object', additionalProperties: false, properties: modelFields },
    scripts: { type: 'array', items: scriptSchema },
    models: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        properties: {
          id: { type: 'string', pattern: '^sim-[A-Za-z0-9._:/-]+$', description: 'simulated model ids start with "sim-", then letters, digits and . _ : / -' },
          ...modelFields,
        },
      },
    },
  },
};

type RawModel = Record<string, unknown> & { id?: string };
type RawConfig = {
  seed?: number;
  max_loaded_models?: number;
  defaults?: RawModel;
  scripts?: ScriptEntry[];
  models: RawModel[];
};

function toRange(value: unknown, fallback: [number, number]): [number, number] {
  if (typeof value === 'number') return [value, value];
  if (Array.isArray(value)) return [value[0] as number, value[1] as number];
  return fallback;
}

export function normaliseFaults(raw: Partial<FaultSpec> = {}): FaultSpec {
  return {
    error_rate: raw.error_rate ?? 0,
    error_status: raw.error_status ?? 500,
    rate_limit_rate: raw.rate_limit_rate ?? 0,
    // Naming a token count is enough to ask for a disconnect; the rate defaults to "every request".
    disconnect_rate: raw.disconnect_rate ?? (raw.disconnect_after_tokens !== undefined ? 1 : 0),
    disconnect_after_tokens: raw.disconnect_after_tokens ?? 0,
    never_ending_rate: raw.never_ending_rate ?? 0,
    load_fail_rate: raw.load_fail_rate ?? 0,
    load_delay_ms: raw.load_delay_ms ?? 0,
    crash_after_requests: raw.crash_after_requests ?? 0,
    crash_on_request: raw.crash_on_request ?? 0,
    crash_after_tokens: raw.crash_after_tokens ?? 0,
  };
}

function normaliseModel(raw: RawModel, defaults: RawModel, globalScripts: ScriptEntry[]): ModelSpec {
  const m = { ...defaults, ...raw } as Record<string, unknown>;
  const batching = { ...(defaults.batching as object), ...(raw.batching as object) } as Partial<BatchingSpec>;
  const reasoning = { ...(defaults.reasoning as object), ...(raw.reasoning as object) } as Partial<ReasoningSpec> & { tokens?: unknown };
  const faults = { ...(defaults.faults as object), ...(raw.faults as object) } as Partial<FaultSpec>;
  const scripts = [...((raw.scripts as ScriptEntry[] | undefined) ?? (defaults.scripts as ScriptEntry[] | undefined) ?? []), ...globalScripts];
  return {
    id: raw.id as string,
    name: (m.name as string | undefined) ?? '',
    description: (m.description as string | undefined) ?? '',
    preload: (m.preload as boolean | undefined) ?? false,
    load_ms: (m.load_ms as number | undefined) ?? 0,
    prefill_tokens_per_second: (m.prefill_tokens_per_second as number | undefined) ?? 0,
    decode_tokens_per_second: (m.decode_tokens_per_second as number | undefined) ?? 0,
    ttft_ms: (m.ttft_ms as number | undefined) ?? 0,
    jitter: (m.jitter as number | undefined) ?? 0,
    reply_tokens: toRange(m.reply_tokens, [64, 64]),
    context_length: (m.context_length as number | undefined) ?? 131072,
    usage_twice: (m.usage_twice as boolean | undefined) ?? false,
    batching: { slots: batching.slots ?? 64, slowdown: batching.slowdown ?? 0, queue: batching.queue ?? 'wait' },
    reasoning: {
      enabled: reasoning.enabled ?? false,
      field: reasoning.field ?? 'reasoning_content',
      tokens: toRange(reasoning.tokens, [32, 32]),
      default_on: reasoning.default_on ?? true,
    },
    tool_call_rate: (m.tool_call_rate as number | undefined) ?? 1,
    supports_tools: (m.supports_tools as boolean | undefined) ?? true,
    scripts,
    faults: normaliseFaults(faults),
  };
}

/** Checks what the schema cannot: ranges in order, unique ids, scripts that are usable, regexes that compile.
 * Each problem as [dotted key, message]. */
function semanticProblems(raw: RawConfig): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  const seen = new Set<string>();
  const checkRange = (value: unknown, where: string) => {
    if (Array.isArray(value) && (value[0] as number) > (value[1] as number)) problems.push([where, '[min, max] with min > max']);
  };
  const checkScripts = (scripts: ScriptEntry[] | undefined, where: string) => {
    scripts?.forEach((s, i) => {
      const at = `${where}.${i}`;
      if ((s.match === undefined) === (s.regex === undefined)) problems.push([at, 'give exactly one of "match" or "regex"']);
      if (s.flags !== undefined && s.regex === undefined) problems.push([`${at}.flags`, 'only valid with "regex"']);
      if (s.reply === undefined && s.tool_calls === undefined) problems.push([at, 'give "reply", "tool_calls" or both']);
      if (s.finish_reason === 'tool_calls' && s.tool_calls === undefined) problems.push([`${at}.finish_reason`, '"tool_calls" needs "tool_calls"']);
      if (s.regex !== undefined) {
        try {
          new RegExp(s.regex, s.flags);
        } catch (error) {
          problems.push([`${at}.regex`, `does not compile: ${(error as Error).message}`]);
        }
      }
      s.tool_calls?.forEach((c, j) => {
        if (typeof c.arguments === 'string') {
          try {
            JSON.parse(c.arguments);
          } catch {
            problems.push([`${at}.tool_calls.${j}.arguments`, 'a string must hold JSON']);
          }
        }
      });
    });
  };
  checkScripts(raw.scripts, 'scripts');
  if (raw.defaults) {
    checkRange(raw.defaults.reply_tokens, 'defaults.reply_tokens');
    checkRange((raw.defaults.reasoning as { tokens?: unknown } | undefined)?.tokens, 'defaults.reasoning.tokens');
    checkScripts(raw.defaults.scripts as ScriptEntry[] | undefined, 'defaults.scripts');
  }
  raw.models.forEach((m, i) => {
    const at = `models.${i}`;
    if (seen.has(m.id as string)) problems.push([`${at}.id`, `duplicate model id ${JSON.stringify(m.id)}`]);
    seen.add(m.id as string);
    checkRange(m.reply_tokens, `${at}.reply_tokens`);
    checkRange((m.reasoning as { tokens?: unknown } | undefined)?.tokens, `${at}.reasoning.tokens`);
    checkScripts(m.scripts as ScriptEntry[] | undefined, `${at}.scripts`);
  });
  return problems;
}

/** Validates a parsed config object; `source` names it in errors (a file path or "inline config"). */
export function parseSimConfig(value: unknown, source = 'inline config'): SimConfig {
  if (!isRecord(value)) throw new ConfigError(`${source}: expected a simulator config object, got ${describeValue(value)}`);
  return simConfigOf({ data: value, source });
}

/** Reads a .toml or .json file (by extension; anything else is TOML) and validates it. */
export function loadSimConfig(path: string): SimConfig {
  return simConfigOf(readConfigFileSync(path));
}

/** Validates a faults object posted to /sim/faults (same keys as a model's [faults] table). */
export function parseFaults(value: unknown): FaultSpec {
  const faults = checkObject(value, faultsSchema, 'faults') as Partial<FaultSpec>;
  return normaliseFaults(faults);
}

// Through the one config loader (shape, with file lines), then the checks the schema cannot make.
function simConfigOf(file: ConfigText): SimConfig {
  const raw = checkConfig(file, configSchema) as RawConfig;
  const problems = semanticProblems(raw);
  if (problems.length) {
    const lines = file.toml === undefined ? new Map<string, number>() : keyLines(file.toml);
    const located: ConfigProblem[] = problems.map(([key, message]) => {
      const line = lineOf(lines, key.split('.'));
      return { source: file.source, key, message, ...(line !== undefined ? { line } : {}) };
    });
    throw configErrorOf(located, file.source);
  }
  const defaults = raw.defaults ?? {};
  return {
    seed: raw.seed ?? 0,
    max_loaded_models: raw.max_loaded_models ?? 1,
    models: raw.models.map((m) => normaliseModel(m, defaults, raw.scripts ?? [])),
    source: file.source,
  };
}
