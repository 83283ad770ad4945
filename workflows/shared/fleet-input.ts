// Fleet input: one sweep across several inference hosts. `hosts` names each host — its host queue, its
// endpoint and optionally its own models — and everything else (suites, suiteConfig, retries, tags, …) is
// shared. A fleet sweep is split into one single-host sweep per host (`hostInputs`), each exactly what a
// plain sweep of that host would be plus the tag `host`, so every rule of a plain sweep holds per host.
// Pure (bundled into the workflow sandbox).
import { isRecord } from './records.js';
import { MAX_SWEEP_MODELS, validateSweepInput, type InputProblem, type ResolvedSweepInput, type SweepInput } from './sweep-input.js';

export interface FleetHost {
  /** Short name: the `host` tag of every result and part of the host sweep's workflow id. */
  name: string;
  hostQueue: string;
  endpoint: string;
  /** This host's models; default: the sweep's `models`. */
  models?: string[];
}

export interface ResolvedFleetHost {
  name: string;
  hostQueue: string;
  endpoint: string;
  /** The single-host sweep this host runs. */
  input: SweepInput;
  resolved: ResolvedSweepInput;
}

export type FleetValidation = { ok: true; hosts: ResolvedFleetHost[]; problems: [] } | { ok: false; problems: InputProblem[] };

/** At most this many hosts in one fleet: each runs its own child sweep, all at once. */
export const MAX_FLEET_HOSTS = 32;

const HOST_KEYS = ['name', 'hostQueue', 'endpoint', 'models'] as const;
const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Whether a raw input is a fleet sweep (it names hosts). */
export function isFleetInput(raw: unknown): boolean {
  return isRecord(raw) && raw.hosts !== undefined;
}

/** Checks a fleet input and everything each host's sweep would check, every problem at once. */
export function validateFleetInput(raw: unknown): FleetValidation {
  const problems: InputProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });
  if (!isRecord(raw)) return { ok: false, problems: [{ field: '(input)', message: 'expected one JSON object with "hosts", "suites" and either "models" or every host\'s own "models"' }] };
  const { hosts: rawHosts, models: sharedModels, endpoint, hostQueue, pairs, tags, quantizations, ...shared } = raw;
  if (endpoint !== undefined) add('endpoint', 'a fleet sweep names each host\'s endpoint in "hosts"; remove the top-level "endpoint"');
  if (hostQueue !== undefined) add('hostQueue', 'a fleet sweep names each host\'s queue in "hosts"; remove the top-level "hostQueue"');
  if (isRecord(tags) && tags.host !== undefined) add('tags.host', 'set by the fleet: every result of a host carries the host\'s name as tag "host"');
  if (!Array.isArray(rawHosts) || rawHosts.length === 0) {
    add('hosts', `expected a non-empty list of {"name", "hostQueue", "endpoint", "models"?} objects, got ${Array.isArray(rawHosts) ? 'an empty list' : typeof rawHosts}`);
    return { ok: false, problems };
  }
  if (rawHosts.length > MAX_FLEET_HOSTS) add('hosts', `${rawHosts.length} hosts; a fleet sweep runs at most ${MAX_FLEET_HOSTS}`);

  const hosts: ResolvedFleetHost[] = [];
  const names = new Set<string>();
  const queues = new Set<string>();
  let totalModels = 0;
  // Problems of shared keys are the same for every host: report each once, under its own field.
  const seen = new Set<string>();
  const addOnce = (p: InputProblem) => {
    const key = `${p.field}\u0000${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(p);
    }
  };
  for (const [i, h] of (rawHosts as unknown[]).entries()) {
    const at = `hosts[${i}]`;
    if (!isRecord(h)) {
      add(at, 'expected {"name", "hostQueue", "endpoint", "models"?}');
      continue;
    }
    for (const key of Object.keys(h)) if (!(HOST_KEYS as readonly string[]).includes(key)) add(`${at}.${key}`, `unknown key; allowed keys: ${HOST_KEYS.join(', ')}`);
    const name = typeof h.name === 'string' ? h.name : '';
    if (!HOST_NAME.test(name)) add(`${at}.name`, `expected 1-64 letters, digits, ".", "_" or "-" (starting with a letter or digit), got ${JSON.stringify(h.name ?? null)}`);
    else if (names.has(name)) add(`${at}.name`, `"${name}" is listed twice`);
    names.add(name);
    if (typeof h.hostQueue !== 'string' || h.hostQueue === '') add(`${at}.hostQueue`, 'required: the task queue of that host\'s worker (nightshift worker --host-queue …)');
    else if (queues.has(h.hostQueue)) add(`${at}.hostQueue`, `"${h.hostQueue}" is another host's queue too; one host worker serves one host`);
    else queues.add(h.hostQueue);
    const models = h.models ?? sharedModels;
    if (models === undefined) add(`${at}.models`, 'required here, or a top-level "models" for every host without its own');
    if (Array.isArray(models)) totalModels += models.length;

    // Pairs (a retry of some pairs) go to the hosts that have their model, or to the one they name.
    const hostPairs: unknown = Array.isArray(pairs)
      ? (pairs as unknown[])
          .filter((p) => !isRecord(p) || ((p.host === undefined || p.host === name) && Array.isArray(models) && (models as unknown[]).includes(p.model)))
          .map((p) => (isRecord(p) ? withoutHost(p) : p))
      : pairs;
    // With pairs, a host none of them is for has nothing to run.
    if (Array.isArray(hostPairs) && hostPairs.length === 0) continue;
    // Quantizations name models; each host gets those of its own models.
    const hostQuantizations = isRecord(quantizations) && Array.isArray(models)
      ? Object.fromEntries(Object.entries(quantizations).filter(([m]) => (models as unknown[]).includes(m)))
      : quantizations;
    const input = {
      ...shared,
      ...(hostQuantizations !== undefined ? { quantizations: hostQuantizations } : {}),
      models,
      endpoint: h.endpoint,
      hostQueue: h.hostQueue,
      tags: { ...(isRecord(tags) ? tags : {}), host: name },
      ...(hostPairs !== undefined ? { pairs: hostPairs } : {}),
    } as unknown as SweepInput;
    const checked = validateSweepInput(input);
    if (!checked.ok) {
      for (const p of checked.problems) addOnce(blame(p, at, h.models !== undefined));
      continue;
    }
    hosts.push({ name, hostQueue: h.hostQueue as string, endpoint: checked.input.endpoint, input, resolved: checked.input });
  }
  if (totalModels > MAX_SWEEP_MODELS) add('hosts', `${totalModels} models over all hosts; a sweep runs at most ${MAX_SWEEP_MODELS} (split it into several sweeps)`);
  if (isRecord(quantizations)) {
    const everyModel = new Set((rawHosts as unknown[]).flatMap((h) => {
      const list = isRecord(h) ? (h.models ?? sharedModels) : undefined;
      return Array.isArray(list) ? (list as unknown[]) : [];
    }));
    for (const m of Object.keys(quantizations)) if (!everyModel.has(m)) add(`quantizations.${m}`, `"${m}" is not a model of any host`);
  }
  if (Array.isArray(pairs)) {
    const modelsOf = (hostName: unknown): unknown[] =>
      (rawHosts as unknown[]).filter((h) => isRecord(h) && (hostName === undefined || h.name === hostName)).flatMap((h) => {
        const list = (h as Record<string, unknown>).models ?? sharedModels;
        return Array.isArray(list) ? (list as unknown[]) : [];
      });
    for (const [i, p] of (pairs as unknown[]).entries()) {
      if (!isRecord(p)) continue;
      if (p.host !== undefined && !names.has(p.host as string)) add(`pairs[${i}].host`, `${JSON.stringify(p.host)} is not one of the hosts (${[...names].join(', ')})`);
      else if (!modelsOf(p.host).includes(p.model)) add(`pairs[${i}].model`, `${JSON.stringify(p.model)} is not a model of ${p.host === undefined ? 'any host' : `host ${JSON.stringify(p.host)}`}`);
    }
    if (problems.length === 0 && hosts.length === 0) add('pairs', 'no pair is for any host');
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, hosts, problems: [] };
}

/** A host sweep's problem under the field the user wrote: host keys under hosts[i], shared keys as they are. */
function blame(p: InputProblem, at: string, ownModels: boolean): InputProblem {
  if (p.field === 'endpoint' || p.field === 'hostQueue') return { field: `${at}.${p.field}`, message: p.message };
  if (ownModels && (p.field === 'models' || p.field.startsWith('models['))) return { field: `${at}.${p.field}`, message: p.message };
  if (p.field === 'tags.host') return { field: 'tags.host', message: p.message };
  // A pair naming a model this host does not have is fine in a fleet (another host has it).
  return p;
}

function withoutHost(p: Record<string, unknown>): Record<string, unknown> {
  const { host: _host, ...rest } = p;
  return rest;
}
