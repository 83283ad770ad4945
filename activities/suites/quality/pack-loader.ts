// Reads and validates a quality pack (JSONL, benchlocal-cli's format). Every problem is reported with
// the file, line number and field, and what was expected; a pack with any problem is refused whole.
import { readdir } from 'node:fs/promises';
import { readTextFile } from '../../files/read-text.js';
import { join } from 'node:path';
import AjvModule from 'ajv/dist/2020.js';
import { InputError } from '../../errors.js';
import { ASSERT_SPECS, patternFlags, type FieldSpec } from './assert-specs.js';
import { type Pack, type PackMeta, type Scenario, VERIFIER_TYPES, type VerifierType } from './pack-types.js';
import { PatternTranslationError, translatePythonPattern } from './python-regex.js';
import { isRecord } from '../../../workflows/shared/records.js';
import { projectPath } from '../../project-root.js';
import { BENCHLOCAL_PACK_IDS, benchlocalPackDir, isBenchlocalPack, PackUnavailableError } from './benchlocal-packs.js';

const Ajv2020 = AjvModule.default;

/** Where the project's own packs live (configs/packs/*.jsonl). */
export const BUILTIN_PACK_DIR = projectPath('configs', 'packs');

const MAX_REPORTED = 12;

export async function loadPackFile(path: string): Promise<Pack> {
  return parsePack(await readTextFile(path, 'pack file'), path);
}

/** Parses pack text; `source` names the file in error messages. */
export function parsePack(text: string, source: string): Pack {
  const problems: string[] = [];
  const rows = text.split('\n');
  let meta: PackMeta | undefined;
  const scenarios: Scenario[] = [];
  const seen = new Map<string, number>();
  const lines = new Map<Scenario, number>();
  let headerSeen = false;
  for (const [index, raw] of rows.entries()) {
    const lineNo = index + 1;
    const line = raw.trim();
    if (line === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      problems.push(`line ${lineNo}: not JSON (${(error as Error).message})`);
      headerSeen = true;
      continue;
    }
    if (!isRecord(record)) {
      problems.push(`line ${lineNo}: expected a JSON object`);
      continue;
    }
    if (!headerSeen) {
      headerSeen = true;
      if (record.__meta__ !== undefined) {
        meta = checkMeta(record, lineNo, problems);
        continue;
      }
      problems.push(`line ${lineNo}: the first line must be the {"__meta__": true, ...} header`);
    }
    if (record.__meta__ !== undefined) {
      problems.push(`line ${lineNo}: __meta__: only the first line may be a header`);
      continue;
    }
    const scenario = checkScenario(record, lineNo, problems);
    if (!scenario) continue;
    lines.set(scenario, lineNo);
    scenarios.push(scenario);
  }
  disambiguateInstances(scenarios);
  for (const scenario of scenarios) {
    const lineNo = lines.get(scenario) as number;
    const earlier = seen.get(scenario.id);
    if (earlier !== undefined) problems.push(`line ${lineNo}: id: "${scenario.id}" repeats the id of line ${earlier}`);
    seen.set(scenario.id, lineNo);
  }
  if (!headerSeen) problems.push('the file is empty: expected a {"__meta__": true, ...} header and scenarios');
  // A gated pack (benchlocal-cli's gpqa-diamond) ships its header alone and is reported dataset-unavailable.
  if (meta && scenarios.length === 0 && problems.length === 0 && meta.requires_dataset_access !== true) problems.push('no scenarios after the header');
  if (meta && typeof meta.scenario_count === 'number' && problems.length === 0 && meta.scenario_count !== scenarios.length) {
    problems.push(`line 1: scenario_count: header says ${meta.scenario_count}, file has ${scenarios.length} scenarios`);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_REPORTED).map((p) => `  ${source}: ${p}`);
    if (problems.length > MAX_REPORTED) shown.push(`  … and ${problems.length - MAX_REPORTED} more`);
    throw new InputError(`invalid quality pack ${source}:\n${shown.join('\n')}`);
  }
  return { meta: meta as PackMeta, scenarios, source };
}

/**
 * benchlocal-cli's gsm-symbolic-30 gives all 30 rows the id of their template (GSM-SYM-0000); they differ
 * by `raw_problem.instance`. Repeated ids whose rows all name distinct instances become `<id>-i<NN>`
 * (the upstream id stays in `upstream_id`), so each row is journalled and reported on its own; any other
 * repeated id is still an error.
 */
function disambiguateInstances(scenarios: Scenario[]): void {
  const byId = new Map<string, Scenario[]>();
  for (const s of scenarios) byId.set(s.id, [...(byId.get(s.id) ?? []), s]);
  for (const [id, group] of byId) {
    if (group.length < 2) continue;
    const instances = group.map((s) => (isRecord(s.raw_problem) ? s.raw_problem.instance : undefined));
    if (!instances.every((i) => Number.isInteger(i)) || new Set(instances).size !== group.length) continue;
    group.forEach((s, i) => {
      s.upstream_id = id;
      s.id = `${id}-i${String(instances[i]).padStart(2, '0')}`;
    });
  }
}

function checkMeta(record: Record<string, unknown>, lineNo: number, problems: string[]): PackMeta | undefined {
  const at = (field: string, expected: string) => problems.push(`line ${lineNo}: ${field}: expected ${expected}`);
  const before = problems.length;
  if (record.__meta__ !== true) at('__meta__', 'true');
  if (!nonEmptyString(record.pack_id)) at('pack_id', 'a non-empty string');
  else if (!/^[A-Za-z0-9._-]+$/.test(record.pack_id)) at('pack_id', 'letters, digits, ".", "_" or "-" only');
  if (!nonEmptyString(record.version)) at('version', 'a non-empty version string (e.g. "1.0.0")');
  if (record.sampling_defaults !== undefined && !isRecord(record.sampling_defaults)) at('sampling_defaults', 'an object');
  if (record.thinking_sampler !== undefined && !isRecord(record.thinking_sampler)) at('thinking_sampler', 'an object');
  const thinking = record.default_thinking;
  if (thinking !== undefined && typeof thinking !== 'boolean' && !(typeof thinking === 'string' && /^(on|off|true|false)$/i.test(thinking))) {
    at('default_thinking', '"on", "off" or a boolean');
  }
  for (const field of ['default_max_seconds', 'timeout_reference_tps'] as const) {
    const v = record[field];
    if (v !== undefined && !(typeof v === 'number' && v > 0)) at(field, 'a positive number');
  }
  const minimum = record.requires_dataset_access === true ? 0 : 1;
  if (record.scenario_count !== undefined && !(Number.isInteger(record.scenario_count) && (record.scenario_count as number) >= minimum)) {
    at('scenario_count', minimum ? 'a positive integer' : 'a non-negative integer');
  }
  return problems.length === before ? (record as PackMeta) : undefined;
}

function checkScenario(record: Record<string, unknown>, lineNo: number, problems: string[]): Scenario | undefined {
  const before = problems.length;
  const id = nonEmptyString(record.id) ? record.id : undefined;
  const where = `line ${lineNo}${id ? ` (${id})` : ''}`;
  const at = (field: string, expected: string) => problems.push(`${where}: ${field}: expected ${expected}`);
  if (!id) at('id', 'a non-empty string');
  if (record.description !== undefined && typeof record.description !== 'string') at('description', 'a string');
  if (!Array.isArray(record.messages) || record.messages.length === 0) {
    at('messages', 'a non-empty array of chat messages');
  } else {
    record.messages.forEach((m, i) => {
      if (!isRecord(m) || !nonEmptyString(m.role)) at(`messages[${i}].role`, 'a role string (system, user, assistant, tool)');
      else if (m.content !== undefined && m.content !== null && typeof m.content !== 'string' && !Array.isArray(m.content)) {
        at(`messages[${i}].content`, 'a string, an array of content parts, or null');
      }
    });
  }
  if (record.tools !== undefined) {
    if (!Array.isArray(record.tools)) at('tools', 'an array of OpenAI tool definitions');
    else {
      record.tools.forEach((t, i) => {
        const fn = isRecord(t) ? t.function : undefined;
        if (!isRecord(fn) || !nonEmptyString(fn.name)) at(`tools[${i}].function.name`, 'a tool name');
      });
    }
  }
  if (record.sampling_overrides !== undefined && record.sampling_overrides !== null && !isRecord(record.sampling_overrides)) {
    at('sampling_overrides', 'an object');
  }
  const mso = record.max_seconds_override;
  if (mso !== undefined && mso !== null && !(typeof mso === 'number' && mso > 0)) at('max_seconds_override', 'null or a positive number');
  if (record.array_anchors !== undefined && !(isRecord(record.array_anchors) && Object.values(record.array_anchors).every(nonEmptyString))) {
    at('array_anchors', 'an object mapping array paths to key names');
  }
  const verifier = record.verifier;
  if (!isRecord(verifier)) {
    at('verifier', 'an object {type, asserts[]}');
  } else if (!VERIFIER_TYPES.includes(verifier.type as VerifierType)) {
    at('verifier.type', `one of ${VERIFIER_TYPES.join(', ')}`);
  } else if (!Array.isArray(verifier.asserts)) {
    at('verifier.asserts', 'an array of asserts');
  } else if (verifier.asserts.length === 0 && !(verifier.type === 'data_extract' && record.expected !== undefined)) {
    // Only a DataExtract scenario graded against `expected` may go without asserts.
    at('verifier.asserts', 'at least one assert (or, for data_extract, an `expected` answer)');
  } else {
    const type = verifier.type as VerifierType;
    verifier.asserts.forEach((a, i) => checkAssert(type, a, `verifier.asserts[${i}]`, at));
  }
  return problems.length === before ? (record as Scenario) : undefined;
}

function checkAssert(type: VerifierType, a: unknown, path: string, at: (field: string, expected: string) => void): void {
  if (!isRecord(a) || !nonEmptyString(a.kind)) {
    at(`${path}.kind`, 'an assert kind string');
    return;
  }
  const specs = ASSERT_SPECS[type][a.kind];
  if (!specs) {
    at(`${path}.kind`, `one of the ${type} kinds (${Object.keys(ASSERT_SPECS[type]).join(', ')}), got "${a.kind}"`);
    return;
  }
  for (const [field, spec] of Object.entries(specs)) {
    const problem = checkField(type, a.kind, field, a[field], spec);
    if (problem) at(`${path}.${field}`, problem);
  }
  if (a.kind === 'arg_numeric_range' && a.min === undefined && a.max === undefined) at(`${path}.min`, 'min or max (or both)');
}

function checkField(type: VerifierType, kind: string, field: string, value: unknown, spec: FieldSpec): string | undefined {
  if (value === undefined) return spec.optional ? undefined : describeRule(spec);
  switch (spec.rule) {
    case 'string':
      return typeof value === 'string' ? undefined : 'a string';
    case 'string[]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? undefined : 'an array of strings';
    case 'int>=0':
      return Number.isInteger(value) && (value as number) >= 0 ? undefined : 'a non-negative integer';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'true or false';
    case 'object':
      if (!isRecord(value)) return 'a JSON Schema object';
      try {
        new Ajv2020({ strict: false }).compile(value);
        return undefined;
      } catch (error) {
        return `a JSON Schema that compiles (${(error as Error).message})`;
      }
    case 'case':
      return value === 'lowercase' || value === 'uppercase' || value === 'titlecase' ? undefined : '"lowercase", "uppercase" or "titlecase"';
    case 'jsonpath':
      return typeof value === 'string' && value.startsWith('$.') ? undefined : 'a "$."-rooted path like "$.user.name" or "$.items[0].id"';
    case 'pattern':
      if (typeof value !== 'string') return 'a regular expression string';
      try {
        translatePythonPattern(value, patternFlags(type, kind));
        return undefined;
      } catch (error) {
        if (error instanceof PatternTranslationError) return `a pattern the linear-time matcher (RE2) can run (${error.message})`;
        throw error;
      }
    case 'number|string':
      return (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'string' ? undefined : 'a number or a numeric string';
    case 'any':
      return undefined;
  }
}

function describeRule(spec: FieldSpec): string {
  return `a value (${spec.rule})`;
}

function nonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.trim() !== '';
}

/** The built-in packs by id (configs/packs/*.jsonl), in file-name order. */
export async function listBuiltinPacks(dir = BUILTIN_PACK_DIR): Promise<Pack[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.jsonl')).sort();
  } catch (error) {
    throw new InputError(`cannot list packs in ${dir}: ${(error as Error).message}`);
  }
  return Promise.all(names.map((n) => loadPackFile(join(dir, n))));
}

/** Finds packs by id among the built-in packs, benchlocal-cli's installed packs (benchlocal-packs.ts)
 * and any extra pack files; an unknown id is an InputError, a benchlocal-cli pack without benchlocal-cli
 * a PackUnavailableError. */
export async function resolvePacks(ids: readonly string[], extraFiles: readonly string[] = [], dir = BUILTIN_PACK_DIR, env: NodeJS.ProcessEnv = process.env): Promise<Pack[]> {
  const extra = await Promise.all(extraFiles.map((f) => loadPackFile(f)));
  if (ids.length === 0) return extra;
  const builtin = await listBuiltinPacks(dir);
  const byId = new Map<string, Pack>();
  for (const p of [...builtin, ...extra]) byId.set(p.meta.pack_id, p);
  const fromBenchlocal = ids.filter((id) => !byId.has(id) && isBenchlocalPack(id));
  if (fromBenchlocal.length > 0) {
    const source = await benchlocalPackDir(env);
    if ('reason' in source) throw new PackUnavailableError(fromBenchlocal, source.reason);
    for (const id of fromBenchlocal) byId.set(id, await loadPackFile(join(source.dir, `${id}.jsonl`)));
  }
  const chosen: Pack[] = [];
  for (const id of ids) {
    const pack = byId.get(id);
    if (!pack) throw new InputError(`--pack ${id}: no such pack (known: ${[...new Set([...byId.keys(), ...BENCHLOCAL_PACK_IDS])].sort().join(', ')})`);
    if (!chosen.includes(pack)) chosen.push(pack);
  }
  for (const p of extra) if (!chosen.includes(p)) chosen.push(p);
  return chosen;
}
