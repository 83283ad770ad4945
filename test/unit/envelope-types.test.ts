import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedTypesPath, renderEnvelopeTypes } from '../../activities/envelope/generate-types.js';

describe('generated envelope types', () => {
  it('match schema.json (run `npm run gen:types` after changing the schema)', async () => {
    expect(readFileSync(generatedTypesPath, 'utf8')).toBe(await renderEnvelopeTypes());
  });
});
