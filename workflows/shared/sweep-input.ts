// Sweep input: the one JSON object `temporal workflow start --type benchmarkSweep --input '{...}'` takes,
// its defaults and its validation. Pure (bundled into the workflow sandbox: no Node built-ins, no I/O), so
// the CLI checks a TOML file with exactly the rules the workflow applies before doing any work.
import { SUITES, TRIGGERS } from './envelope-types.generated.js';
import { isRecord } from './records.js';

export type SuiteName = (typeof SUITES)[number];
export type TriggerName = (typeof TRIGGERS)[number];

/** What a user may send. Only models, suites and endpoint are required. */
export interface SweepInput {
  /** Model ids as the endpoint serves them, run in this order. */
  models: string[];
  /** Suites run for every model, in this order. */
  suites: string[];
  /** OpenAI-compatible base URL (llama-swap, or the simulated endpoint). */
  endpoint: string;
  /** Task queue of the host worker that talks to the endpoint. Default: the orchestration worker's own. */
  hostQueue?: string;
  /** Per-suite config overrides, merged over configs/<tool>/<suite>.toml by the host worker. The key
   * `tool` picks the tool that runs the suite (the suite catalog, activities/suites/catalog.ts), e.g. "vllm-bench" for throughput. */
  suiteConfig?: Record<string, Record<string, unknown>>;
  /** Send one short request after loading, so the first measured request does not pay for the load. */
  warmUp?: boolean;
  /** Unload each model after its suites (frees memory before the next model). */
  unload?: boolean;
  /** Attempts per suite activity before the pair is recorded as failed. */
  suiteAttempts?: number;
  /** Seconds a suite may go without a heartbeat before it counts as lost (worker died) and is retried. */
  heartbeatTimeoutSeconds?: number;
  /** Seconds a host activity may wait for the host worker to pick it up; longer means no worker polls the
   * host queue, and the pair (and every later one on that host) fails saying so. */
  hostPickupSeconds?: number;
  /** Seconds a suite waits for a model server that stopped answering (crash and restart, llama-swap
   * restarting) before the attempt fails; it then goes on from its journal. */
  outageToleranceSeconds?: number;
  /** Quantization per model id, where the server and the model's name do not tell it (or tell it wrong). */
  quantizations?: Record<string, string>;
  /** Envelope `trigger`. */
  trigger?: TriggerName;
  /** Envelope `git_sha`; default: the host worker's checkout (HEAD). */
  gitSha?: string;
  prNumber?: number | null;
  /** Dataset directory for shards; default: <data dir>/dataset on the orchestration worker. */
  dataset?: string;
  /** Added to every result's tags. */
  tags?: Record<string, string>;
  /** Run only these (model, suite) pairs (used by `sweep retry` for a finished sweep). */
  pairs?: Array<{ model: string; suite: string }>;
  /** Workflow id of the sweep this one retries (set by `nightshift sweep retry`). */
  retryOf?: string;
}

/** The input with every default filled in; what the workflow actually runs. */
export interface ResolvedSweepInput {
  models: string[];
  suites: SuiteName[];
  endpoint: string;
  hostQueue: string | undefined;
  suiteConfig: Record<string, Record<string, unknown>>;
  warmUp: boolean;
  unload: boolean;
  suiteAttempts: number;
  heartbeatTimeoutSeconds: number;
  hostPickupSeconds: number;
  outageToleranceSeconds: number;
  quantizations?: Record<string, string>;
  trigger: TriggerName;
  gitSha: string | undefined;
  prNumber: number | null;
  dataset: string | undefined;
  tags: Record<string, string>;
  pairs: Array<{ model: string; suite: SuiteName }> | undefined;
  retryOf: string | undefined;
}

/** Most models one sweep runs. It continues as new every 100 models, so history stays small; the limit keeps
 * the input itself (and what it carries from run to run) far below Temporal's 2 MB payload limit. */
export const MAX_SWEEP_MODELS = 5000;

export const SWEEP_DEFAULTS = {
  warmUp: true,
  unload: true,
  suiteAttempts: 3,
  heartbeatTimeoutSeconds: 120,
  hostPickupSeconds: 900,
  outageToleranceSeconds: 600,
  trigger: 'local' as TriggerName,
  prNumber: null,
} as const;

const KNOWN_KEYS = [
  'models', 'suites', 'endpoint', 'hostQueue', 'suiteConfig', 'warmUp', 'unload', 'suiteAttempts', 'heartbeatTimeoutSeconds', 'hostPickupSeconds', 'outageToleranceSeconds',
  'quantizations', 'trigger', 'gitSha', 'prNumber', 'dataset', 'tags', 'pairs', 'retryOf',
] as const;

export interface InputProblem {
  field: string;
  message: string;
}

export type ValidationResult =
  | { ok: true; input: ResolvedSweepInput; problems: [] }
  | { ok: false; problems: InputProblem[] };

/** Checks everything and reports every problem at once (never just the first). */
export function validateSweepInput(raw: unknown): ValidationResult {
  const problems: InputProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    add('(input)', `expected one JSON object like {"models":[...],"suites":[...],"endpoint":"http://..."}, got ${describe(raw)}`);
    return { ok: false, problems };
  }
  const x = raw as Record<string, unknown>;
  for (const key of Object.keys(x)) {
    if (!(KNOWN_KEYS as readonly string[]).includes(key)) add(key, `unknown key; allowed keys: ${KNOWN_KEYS.join(', ')}`);
  }

  const models = stringList(x.models, 'models', add);
  if (models.length > MAX_SWEEP_MODELS) add('models', `${models.length} models; a sweep runs at most ${MAX_SWEEP_MODELS} (split it into several sweeps)`);
  const suites = stringList(x.suites, 'suites', add);
  for (const [i, s] of suites.entries()) {
    if (!(SUITES as readonly string[]).includes(s)) add(`suites[${i}]`, `unknown suite "${s}"; known suites: ${SUITES.join(', ')}`);
  }

  if (x.endpoint === undefined) add('endpoint', 'required: the OpenAI-compatible base URL, e.g. "http://127.0.0.1:11434"');
  else if (typeof x.endpoint !== 'string') add('endpoint', `expected a URL string, got ${describe(x.endpoint)}`);
  else if (!isHttpUrl(x.endpoint)) add('endpoint', `expected an http:// or https:// URL, got "${x.endpoint}"`);

  optionalString(x, 'hostQueue', add);
  optionalString(x, 'gitSha', add);
  optionalString(x, 'dataset', add);
  optionalString(x, 'retryOf', add);
  if (typeof x.gitSha === 'string' && !/^[0-9a-fA-F]{7,64}$/.test(x.gitSha)) add('gitSha', `expected 7-64 hex digits, got "${x.gitSha}"`);
  for (const key of ['warmUp', 'unload'] as const) {
    if (x[key] !== undefined && typeof x[key] !== 'boolean') add(key, `expected true or false, got ${describe(x[key])}`);
  }
  if (x.suiteAttempts !== undefined && !(Number.isInteger(x.suiteAttempts) && (x.suiteAttempts as number) >= 1 && (x.suiteAttempts as number) <= 20)) {
    add('suiteAttempts', `expected an integer from 1 to 20, got ${describe(x.suiteAttempts)}`);
  }
  if (x.heartbeatTimeoutSeconds !== undefined && !(Number.isInteger(x.heartbeatTimeoutSeconds) && (x.heartbeatTimeoutSeconds as number) >= 10 && (x.heartbeatTimeoutSeconds as number) <= 3600)) {
    add('heartbeatTimeoutSeconds', `expected an integer from 10 to 3600, got ${describe(x.heartbeatTimeoutSeconds)}`);
  }
  if (x.hostPickupSeconds !== undefined && !(Number.isInteger(x.hostPickupSeconds) && (x.hostPickupSeconds as number) >= 1 && (x.hostPickupSeconds as number) <= 86_400)) {
    add('hostPickupSeconds', `expected an integer from 1 to 86400, got ${describe(x.hostPickupSeconds)}`);
  }
  if (x.outageToleranceSeconds !== undefined && !(Number.isInteger(x.outageToleranceSeconds) && (x.outageToleranceSeconds as number) >= 0 && (x.outageToleranceSeconds as number) <= 86_400)) {
    add('outageToleranceSeconds', `expected an integer from 0 to 86400, got ${describe(x.outageToleranceSeconds)}`);
  }
  if (x.trigger !== undefined && !(TRIGGERS as readonly unknown[]).includes(x.trigger)) {
    add('trigger', `expected one of ${TRIGGERS.join(', ')}, got ${describe(x.trigger)}`);
  }
  if (x.prNumber !== undefined && x.prNumber !== null && !(Number.isInteger(x.prNumber) && (x.prNumber as number) > 0)) {
    add('prNumber', `expected a positive integer or null, got ${describe(x.prNumber)}`);
  }
  if (x.tags !== undefined) {
    if (!isRecord(x.tags)) add('tags', `expected an object of string values, got ${describe(x.tags)}`);
    else for (const [k, v] of Object.entries(x.tags)) if (typeof v !== 'string') add(`tags.${k}`, `expected a string, got ${describe(v)}`);
  }
  if (x.quantizations !== undefined) {
    if (!isRecord(x.quantizations)) add('quantizations', `expected an object of model id → quantization (e.g. {"my-model": "Q4_K_M"}), got ${describe(x.quantizations)}`);
    else {
      for (const [k, v] of Object.entries(x.quantizations)) {
        if (!models.includes(k)) add(`quantizations.${k}`, `"${k}" is not in "models"`);
        if (typeof v !== 'string' || v.trim() === '' || v.length > 64) add(`quantizations.${k}`, `expected a name of 1-64 characters such as "Q4_K_M" or "mlx-4bit", got ${describe(v)}`);
      }
    }
  }
  if (x.suiteConfig !== undefined) {
    if (!isRecord(x.suiteConfig)) add('suiteConfig', `expected an object keyed by suite name, got ${describe(x.suiteConfig)}`);
    else {
      for (const [k, v] of Object.entries(x.suiteConfig)) {
        if (!suites.includes(k)) add(`suiteConfig.${k}`, `config for a suite that is not in "suites" (${suites.join(', ') || 'none'})`);
        // Tools and config values are checked against the suite catalog (activities/sweep/check-sweep.ts).
        if (!isRecord(v)) add(`suiteConfig.${k}`, `expected an object of config values, got ${describe(v)}`);
      }
    }
  }
  let pairs: Array<{ model: string; suite: SuiteName }> | undefined;
  if (x.pairs !== undefined) {
    if (!Array.isArray(x.pairs) || x.pairs.length === 0) add('pairs', `expected a non-empty list of {"model","suite"} objects, got ${describe(x.pairs)}`);
    else {
      pairs = [];
      for (const [i, p] of (x.pairs as unknown[]).entries()) {
        const pair = p as Record<string, unknown>;
        if (!isRecord(p) || typeof pair.model !== 'string' || typeof pair.suite !== 'string') {
          add(`pairs[${i}]`, `expected {"model": string, "suite": string}, got ${describe(p)}`);
          continue;
        }
        if (!models.includes(pair.model)) add(`pairs[${i}].model`, `"${pair.model}" is not in "models"`);
        if (!suites.includes(pair.suite)) add(`pairs[${i}].suite`, `"${pair.suite}" is not in "suites"`);
        pairs.push({ model: pair.model, suite: pair.suite as SuiteName });
      }
    }
  }

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    problems: [],
    input: {
      models,
      suites: suites as SuiteName[],
      endpoint: (x.endpoint as string).replace(/\/+$/, ''),
      hostQueue: x.hostQueue as string | undefined,
      suiteConfig: (x.suiteConfig as Record<string, Record<string, unknown>> | undefined) ?? {},
      warmUp: (x.warmUp as boolean | undefined) ?? SWEEP_DEFAULTS.warmUp,
      unload: (x.unload as boolean | undefined) ?? SWEEP_DEFAULTS.unload,
      suiteAttempts: (x.suiteAttempts as number | undefined) ?? SWEEP_DEFAULTS.suiteAttempts,
      heartbeatTimeoutSeconds: (x.heartbeatTimeoutSeconds as number | undefined) ?? SWEEP_DEFAULTS.heartbeatTimeoutSeconds,
      hostPickupSeconds: (x.hostPickupSeconds as number | undefined) ?? SWEEP_DEFAULTS.hostPickupSeconds,
      outageToleranceSeconds: (x.outageToleranceSeconds as number | undefined) ?? SWEEP_DEFAULTS.outageToleranceSeconds,
      ...(x.quantizations !== undefined ? { quantizations: x.quantizations as Record<string, string> } : {}),
      trigger: (x.trigger as TriggerName | undefined) ?? SWEEP_DEFAULTS.trigger,
      gitSha: x.gitSha as string | undefined,
      prNumber: (x.prNumber as number | null | undefined) ?? SWEEP_DEFAULTS.prNumber,
      dataset: x.dataset as string | undefined,
      tags: (x.tags as Record<string, string> | undefined) ?? {},
      pairs,
      retryOf: x.retryOf as string | undefined,
    },
  };
}

/** Problems listed in a failure message at most; the rest are counted. A failure travels in workflow
 * history, whose payloads must stay far below 2 MB even for a sweep of thousands of bad entries. */
export const MAX_LISTED_PROBLEMS = 50;

/** One line per problem, the first MAX_LISTED_PROBLEMS of them, then how many more there are. */
export function formatProblems(problems: readonly InputProblem[]): string {
  const lines = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `${p.field}: ${p.message}`);
  if (problems.length > MAX_LISTED_PROBLEMS) lines.push(`… and ${problems.length - MAX_LISTED_PROBLEMS} more problem(s)`);
  return lines.join('\n');
}

type Add = (field: string, message: string) => void;

function stringList(value: unknown, field: string, add: Add): string[] {
  if (value === undefined) {
    add(field, 'required: a non-empty list of strings');
    return [];
  }
  if (!Array.isArray(value)) {
    add(field, `expected a list of strings, got ${describe(value)}`);
    return [];
  }
  if (value.length === 0) add(field, 'must not be empty');
  const seen = new Set<string>();
  for (const [i, v] of value.entries()) {
    if (typeof v !== 'string' || v.trim() === '') add(`${field}[${i}]`, `expected a non-empty string, got ${describe(v)}`);
    else if (seen.has(v)) add(`${field}[${i}]`, `"${v}" is listed twice`);
    else seen.add(v);
  }
  return [...seen];
}

function optionalString(x: Record<string, unknown>, key: string, add: Add): void {
  if (x[key] !== undefined && (typeof x[key] !== 'string' || x[key] === '')) add(key, `expected a non-empty string, got ${describe(x[key])}`);
}

function isHttpUrl(text: string): boolean {
  // The workflow sandbox has URL; a parse failure or another scheme is a bad endpoint.
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `"${v.length > 60 ? `${v.slice(0, 60)}…` : v}"`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v === undefined) return `${typeof v} ${String(v)}`;
  // A function or a symbol (never in JSON input): its type says enough.
  return typeof v;
}
