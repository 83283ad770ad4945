// The leaderboard rule, defined once: the latest result per group. `nightshift results --latest`
// (query.ts, over the shards and the derived index), the viewer's /api/leaderboard (over its in-memory
// read model) and the static export (which ships the viewer's answer as data/leaderboard.json) all apply
// the SQL built here, so they cannot disagree on the same data.
//
// Group key: model, suite, result name, metric and system chip. The chip is part of the key because
// results from different machines are different facts: an M4 Max run does not supersede an M2 run of
// the same model, it sits beside it.
//
// Order within a group: timestamp DESC, then envelope_hash ASC, then result_index ASC. Two runs of a
// group at the same instant (a re-run with another git sha, an import) are a real tie; the smaller
// envelope hash wins. The hash means nothing, but it is stable, so every reader picks the same row.
// result_index only separates two results of one envelope that share name and metric (the first wins).
//
// Candidates are result rows that carry a value. Filters on key columns (suite, metric, model, chip)
// select whole groups and may run before the rule; date bounds also run before it, on purpose (they
// ask for the leaderboard as of a time). Any other filter (quantization) must select among the rule's
// answers, after it, or a served page and a static export would answer it differently.

/** Column names of one source. The shards, the index and the viewer's read model all keep the shard
 * names, so callers normally take the defaults. */
export interface GroupColumns {
  model: string;
  suite: string;
  name: string;
  metric: string;
  chip: string;
  timestamp: string;
  hash: string;
  resultIndex: string;
  value: string;
}

export const SHARD_GROUP_COLUMNS: Readonly<GroupColumns> = {
  model: 'model',
  suite: 'suite',
  name: 'name',
  metric: 'metric',
  chip: 'system_chip',
  timestamp: 'timestamp',
  hash: 'envelope_hash',
  resultIndex: 'result_index',
  value: 'value',
};

export interface LatestPerGroupSql {
  /** Condition for the WHERE clause: rows that may be a group's answer. */
  candidates: string;
  /** The QUALIFY clause keeping one row per group; append `AND <condition>` to filter its answers. */
  qualify: string;
  /** ORDER BY clause listing the answers in one fixed order. */
  orderBy: string;
}

export function latestPerGroup(overrides: Partial<GroupColumns> = {}): LatestPerGroupSql {
  const c = { ...SHARD_GROUP_COLUMNS, ...overrides };
  const key = [c.model, c.suite, c.name, c.metric, c.chip].join(', ');
  return {
    candidates: `${c.resultIndex} IS NOT NULL AND ${c.value} IS NOT NULL`,
    qualify: `QUALIFY row_number() OVER (PARTITION BY ${key} ORDER BY ${c.timestamp} DESC, ${c.hash} ASC, ${c.resultIndex} ASC) = 1`,
    orderBy: `ORDER BY ${c.suite}, ${c.name}, ${c.metric}, ${c.model}, ${c.chip}`,
  };
}
