// The one test for "a plain object with string keys" (JSON objects, TOML tables, parsed request bodies).
// Sandbox-safe: workflows and activities share it.
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
