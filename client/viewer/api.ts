// JSON API of the viewer. Every handler validates its query parameters against a fixed list and
// passes values to parameterized queries; an unknown parameter is a 400 naming it.
import type { Envelope } from '../../workflows/shared/envelope.js';
import { directionOf, type Direction } from '../../activities/dataset/direction.js';
import { facets, leaderboard, listRuns, runEnvelope, trends, type Filters } from './queries.js';
import type { ViewerStore } from './store.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ViewerSettings {
  temporalUiUrl: string;
  temporalNamespace: string;
}

const FILTER_KEYS = ['suite', 'metric', 'chip', 'quantization', 'model', 'since', 'until'] as const;

function filtersFrom(query: URLSearchParams, extra: readonly string[] = []): Filters {
  for (const key of query.keys()) {
    if (!(FILTER_KEYS as readonly string[]).includes(key) && !extra.includes(key)) {
      throw new ApiError(400, `unknown query parameter "${key}"; expected one of ${[...FILTER_KEYS, ...extra].join(', ')}`);
    }
  }
  const filters: Filters = {};
  for (const key of FILTER_KEYS) {
    const value = query.get(key);
    if (value) filters[key] = value;
  }
  for (const key of ['since', 'until'] as const) {
    const value = filters[key];
    if (value !== undefined) filters[key] = isoDate(key, value);
  }
  return filters;
}

// A calendar date or an ISO 8601 timestamp, nothing looser: Date.parse accepts "1" (2001) and "2026-13-40"
// (rolled over), which DuckDB's cast refuses, so the value is normalized here and the query gets ISO text.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function isoDate(key: string, value: string): string {
  const time = ISO_DATE.test(value) ? Date.parse(value) : Number.NaN;
  // Rejects what the pattern lets through but the calendar does not (month 13, day 40).
  const sameDay = !Number.isNaN(time) && value.length === 10 ? new Date(time).toISOString().startsWith(value) : true;
  if (Number.isNaN(time) || !sameDay) {
    throw new ApiError(400, `"${key}" must be a date or ISO 8601 timestamp (e.g. 2026-11-01 or 2026-11-01T22:00:00Z), got "${value}"`);
  }
  return new Date(time).toISOString();
}

export async function handleApi(store: ViewerStore, settings: ViewerSettings, path: string, query: URLSearchParams): Promise<unknown> {
  await store.refresh();
  if (path === '/api/status') return { ...(await store.status()), settings };
  if (path === '/api/facets') return facets(store);
  if (path === '/api/leaderboard') return leaderboard(store, filtersFrom(query));
  if (path === '/api/runs') return listRuns(store, filtersFrom(query));
  if (path === '/api/trends') {
    const filters = filtersFrom(query, ['models', 'measure']);
    const models = (query.get('models') ?? '').split(',').filter(Boolean);
    const [suite, name, metric] = (query.get('measure') ?? '').split('|');
    if (!suite || !name || !metric) throw new ApiError(400, '"measure" must be "suite|name|metric"');
    if (models.length === 0) throw new ApiError(400, '"models" must list at least one model (comma-separated)');
    return trends(store, models, { suite, name, metric }, { chip: filters.chip, since: filters.since, until: filters.until });
  }
  const hash = /^\/api\/run\/([0-9a-f]{8,64})$/.exec(path)?.[1];
  if (hash !== undefined) {
    const found = await runEnvelope(store, hash);
    if (!found) throw new ApiError(404, `no run with hash ${hash}`);
    return runDetail(found.envelope as Envelope, found.shard, settings);
  }
  throw new ApiError(404, `no API route ${path}`);
}

/** Link to the run's page in the Temporal Web UI when a result recorded its workflow id. */
export function temporalLink(envelope: Envelope, settings: ViewerSettings): string | null {
  const tags = envelope.results.find((r) => r.tags?.workflow_id)?.tags;
  if (!tags?.workflow_id) return null;
  const base = settings.temporalUiUrl.replace(/\/$/, '');
  const ns = encodeURIComponent(settings.temporalNamespace);
  const run = tags.workflow_run_id ? `/${encodeURIComponent(tags.workflow_run_id)}` : '';
  return `${base}/namespaces/${ns}/workflows/${encodeURIComponent(tags.workflow_id)}${run}/history`;
}

/** A run as the page shows it: the envelope, where it lives, its Temporal link and, per result, which
 * direction is better (the page compares runs with it). */
export function runDetail(envelope: Envelope, shard: string, settings: ViewerSettings) {
  const better: Record<string, Direction> = {};
  for (const r of envelope.results) better[`${r.name}|${r.metric}`] = directionOf(r).better;
  return { envelope, shard, temporal: temporalLink(envelope, settings), better };
}
