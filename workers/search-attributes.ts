// Registers Nightshift's custom search attributes (NightshiftModels, NightshiftSuites, NightshiftStatus,
// NightshiftSweepId) through the operator service, as `temporal operator search-attribute create` would.
// Works on the dev server and self-hosted servers; where it is not allowed (e.g. Temporal Cloud without
// the rights) it reports false and workflows simply do not upsert them.
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../workflows/definitions.js';

const TYPES: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** `--search-attribute Name=Type` flags for `temporal server start-dev`. */
export function devServerSearchAttributeFlags(): string[] {
  return Object.values(SEARCH_ATTRIBUTES).flatMap((k) => ['--search-attribute', `${k.name}=${k.type === 'KEYWORD_LIST' ? 'KeywordList' : 'Keyword'}`]);
}

export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<boolean> {
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const have = new Set(Object.keys(existing.customAttributes ?? {}));
    const missing = Object.values(SEARCH_ATTRIBUTES).filter((k) => !have.has(k.name));
    if (missing.length === 0) return true;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, TYPES[k.type] as temporal.api.enums.v1.IndexedValueType])),
    });
    return true;
  } catch {
    return false;
  }
}
