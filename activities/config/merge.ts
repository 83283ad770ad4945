// How a sweep's per-suite overrides combine with a config file: tables merge key by key, everything else
// (numbers, strings, lists) is replaced whole.
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isTable(current) && isTable(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function isTable(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
