// What a llama-swap (or plain) endpoint says it serves, read from GET /v1/models, with llama-swap's
// aliases resolved to the model they name.
//
// llama-swap v250 lists each configured model once, `{id, object, created, owned_by: "llama-swap",
// meta: {llamaswap: {type: "model", aliases?: [...]}}, status: {value: "loaded" | "unloaded"}}`; its
// aliases appear only inside `meta.llamaswap.aliases` — unless the config sets `includeAliasesInList`,
// which adds one more entry per alias with `meta.llamaswap: {type: "alias", modelID: <real id>}`.
// /running and the unload routes name processes by the REAL id, so an alias has to be resolved before
// it can be matched there. Older llama-swap lists bare `{id}` entries and no aliases at all: an alias is
// then simply unknown to the catalog (the caller falls back to what the endpoint answers).
import { isRecord } from '../../workflows/shared/records.js';
import { parseModelList } from './llama-swap-parse.js';

export interface ModelCatalog {
  /** Model ids as listed (for llama-swap: its configured models, plus alias entries when it lists them). */
  served: string[];
  /** alias → real model id, from `meta.llamaswap.aliases` and `type: "alias"` entries. */
  aliases: Map<string, string>;
  /**
   * Listed ids that are not local processes of this llama-swap (v250 `meta.llamaswap.type` "peer",
   * "selector" or "profile"): /running never lists them under that id.
   */
  notLocal: Set<string>;
}

/** GET /v1/models body → the catalog. Throws (EndpointError malformed_response) when there is no list. */
export function parseModelCatalog(body: string): ModelCatalog {
  const served = parseModelList(body);
  const aliases = new Map<string, string>();
  const notLocal = new Set<string>();
  const parsed: unknown = JSON.parse(body);
  const data = isRecord(parsed) && Array.isArray(parsed.data) ? (parsed.data as unknown[]) : [];
  for (const entry of data) {
    if (!isRecord(entry) || typeof entry.id !== 'string' || !entry.id) continue;
    const swap = isRecord(entry.meta) && isRecord(entry.meta.llamaswap) ? entry.meta.llamaswap : undefined;
    if (!swap) continue;
    if (swap.type === 'peer' || swap.type === 'selector' || swap.type === 'profile') notLocal.add(entry.id);
    if (swap.type === 'alias' && typeof swap.modelID === 'string' && swap.modelID) {
      aliases.set(entry.id, swap.modelID);
    }
    if (Array.isArray(swap.aliases)) {
      for (const alias of swap.aliases) {
        if (typeof alias === 'string' && alias.trim()) aliases.set(alias.trim(), entry.id);
      }
    }
  }
  return { served, aliases, notLocal };
}

/**
 * The id llama-swap runs `model` under: the model itself when it is a listed model, the real model for a
 * known alias, else undefined (not in the catalog — unknown, unlisted, or an alias an older llama-swap
 * does not report).
 */
export function resolveModelId(catalog: ModelCatalog, model: string): string | undefined {
  const real = catalog.aliases.get(model);
  if (real !== undefined) return real;
  return catalog.served.includes(model) ? model : undefined;
}

/** The listed ids that are models rather than alias entries (what an unknown-model error lists). */
export function modelIds(catalog: ModelCatalog): string[] {
  return catalog.served.filter((id) => !catalog.aliases.has(id));
}
