// How a sweep's per-suite overrides combine with a config file: tables merge key by key, everything else
// (numbers, strings, lists) is replaced whole.
import { isRecord } from '../../workflows/shared/records.js';

export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isRecord(current) && isRecord(value) ? deepMerge(current, value) : value;
  }
  return out;
}

