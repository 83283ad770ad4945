// Which way is better for a result. The producer records it where the metric is made, as the result tag
// `better` = "higher" | "lower" (perf suites, quality packs, converters: lm-eval's higher_is_better,
// vllm bench latencies). Leaderboards rank with it and run comparisons colour deltas with it.

export type Direction = 'higher' | 'lower';

export interface DirectionAnswer {
  better: Direction;
  /** 'tag': the result's `better` tag said so. 'guessed': no valid tag (a foreign or older shard), so
   * the answer comes from the unit and name, and may be wrong. */
  source: 'tag' | 'guessed';
}

/** The result tag that records the direction. */
export const BETTER_TAG = 'better';

export function directionOf(result: { tags?: Readonly<Record<string, string>> | null; metric: string; unit: string; name?: string }): DirectionAnswer {
  const tag = result.tags?.[BETTER_TAG];
  if (tag === 'higher' || tag === 'lower') return { better: tag, source: 'tag' };
  return { better: guessDirection(result.metric, result.unit, result.name ?? ''), source: 'guessed' };
}

/** The answer as the fields of a leaderboard row. */
export interface DirectionFields {
  better: Direction;
  better_source: DirectionAnswer['source'];
}

export function directionFields(result: Parameters<typeof directionOf>[0]): DirectionFields {
  const { better, source } = directionOf(result);
  return { better, better_source: source };
}

// Fallback only, for shards written before producers recorded the tag or by other tools.
const LOWER_UNITS = new Set(['ms', 's', 'sec', 'seconds', 'mb', 'gb', 'bytes']);
const LOWER_WORDS = /(latency|ttft|tpot|itl|e2el|duration|lag|rss|memory|stderr|error|time_ms|_ms_|_ms$)/i;

function guessDirection(metric: string, unit: string, name: string): Direction {
  const u = unit.trim().toLowerCase();
  if (u === 'tok/s' || u === 'req/s' || u === 'ratio' || u === 'score' || u === 'pass') return 'higher';
  if (LOWER_UNITS.has(u)) return 'lower';
  if (LOWER_WORDS.test(metric) || LOWER_WORDS.test(name)) return 'lower';
  return 'higher';
}
