// Registers Nightshift's custom search attributes (NightshiftModels, NightshiftSuites, NightshiftStatus,
// NightshiftSweepId) through the operator service, as `temporal operator search-attribute create` would.
// Works on the dev server and self-hosted servers; where it is not allowed (e.g. Temporal Cloud without
// the rights) it reports false and workflows simply do not upsert them.
import type { Connection } from '@temporalio/client';
import protos from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../workflows/definitions.js';

// The proto package is CommonJS: its enums come through the default export.
const { IndexedValueType } = protos.temporal.api.enums.v1;
const INDEXED_VALUE_TYPE = { KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD, KEYWORD_LIST: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST } as const;

export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<boolean> {
  try {
    const existing = await connection.operatorService.listSearchAttributes({ namespace });
    const have = new Set(Object.keys(existing.customAttributes));
    const missing = Object.values(SEARCH_ATTRIBUTES).filter((k) => !have.has(k.name));
    if (missing.length === 0) return true;
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, INDEXED_VALUE_TYPE[k.type]])),
    });
    return true;
  } catch {
    return false;
  }
}
