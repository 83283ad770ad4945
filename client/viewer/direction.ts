// Which way is better for a metric. The viewer sorts leaderboards and colours deltas with this, so a
// lower TTFT ranks above a higher one while a higher accuracy does.

export type Direction = 'higher' | 'lower';

const LOWER_UNITS = new Set(['ms', 's', 'sec', 'seconds', 'mb', 'gb', 'bytes']);
const LOWER_WORDS = /(latency|ttft|tpot|itl|e2el|duration|lag|rss|memory|stderr|error|time_ms|_ms_|_ms$)/i;

export function betterDirection(metric: string, unit: string, name = ''): Direction {
  const u = unit.trim().toLowerCase();
  if (u === 'tok/s' || u === 'req/s' || u === 'ratio' || u === 'score' || u === 'pass') return 'higher';
  if (LOWER_UNITS.has(u)) return 'lower';
  if (LOWER_WORDS.test(metric) || LOWER_WORDS.test(name)) return 'lower';
  return 'higher';
}
