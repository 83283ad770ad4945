import { describe, expect, it } from 'vitest';
import { MAX_SLUG_LENGTH, modelSlug } from '../../workflows/shared/slug.js';

const SAFE = /^[A-Za-z0-9_](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?$/;

describe('modelSlug', () => {
  it('keeps plain hub ids readable, writing / as --', () => {
    expect(modelSlug('mlx-community/Qwen3.5-9B-MLX-4bit')).toBe('mlx-community--Qwen3.5-9B-MLX-4bit');
    expect(modelSlug('sim-qwen-9b-4bit')).toBe('sim-qwen-9b-4bit');
  });

  it.each([
    ['../../etc/passwd'],
    ['/abs/path/model'],
    ['my model: v2 (Q4_K_M)'],
    ['Qwen/Qwen3 – 思考版'],
    ['café/modèle'],
    ['..'],
    ['.'],
    [''],
    ['a//b'],
    ['x'.repeat(500)],
    ['org/' + 'é'.repeat(200)],
  ])('%j gives a safe, bounded slug', (model) => {
    const slug = modelSlug(model);
    expect(slug).toMatch(SAFE);
    expect(slug).not.toContain('..');
    expect(slug).not.toContain('/');
    expect(slug.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
    expect(modelSlug(model)).toBe(slug);
  });

  it('transliterates accents and marks lossy slugs with a hash of the original', () => {
    expect(modelSlug('café/modèle')).toMatch(/^cafe--modele-[0-9a-f]{8}$/);
    expect(modelSlug('my model')).toMatch(/^my-model-[0-9a-f]{8}$/);
  });

  it('ids that differ only in characters the slug drops still get different slugs', () => {
    expect(modelSlug('my model')).not.toBe(modelSlug('my-model'));
    expect(modelSlug('my model')).not.toBe(modelSlug('my_model'));
    expect(modelSlug('a/b')).not.toBe(modelSlug('a//b'));
    expect(modelSlug('思考')).not.toBe(modelSlug('推理'));
    expect(modelSlug('x'.repeat(500))).not.toBe(modelSlug('x'.repeat(501)));
  });
});
