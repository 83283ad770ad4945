import { describe, expect, it } from 'vitest';
import { deepMerge } from '../../../activities/config/merge.js';

describe('deepMerge (sweep overrides over a config file)', () => {
  it('merges tables key by key and replaces lists and scalars whole', () => {
    const base = { a: 1, list: [1, 2, 3], table: { x: 1, y: { deep: true, keep: 'yes' } } };
    const merged = deepMerge(base, { a: 2, list: [9], table: { y: { deep: false } }, extra: 'z' });
    expect(merged).toEqual({ a: 2, list: [9], table: { x: 1, y: { deep: false, keep: 'yes' } }, extra: 'z' });
    expect(base.table.y.deep).toBe(true);
  });
});
