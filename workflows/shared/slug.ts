// Model slug, used for child workflow ids (`<sweep id>/<model slug>`) and shard file names. Model ids come
// from users and endpoints ("org/name", local paths with "..", spaces, non-ASCII), so the slug must be safe
// as one path segment on every filesystem and stable (the same id always gives the same slug). Whenever
// the mapping loses information, a short hash of the original id is appended so two different ids cannot
// share a slug. Pure code (FNV-1a, no node:crypto): it runs inside the workflow sandbox too.

/** Longest slug returned, including any hash suffix; keeps whole file names far below 255 bytes. */
export const MAX_SLUG_LENGTH = 80;
const HASH_LENGTH = 8;

/**
 * Turns a model id into a file-name-safe slug: ASCII letters, digits, `.`, `_` and `-` only, never
 * starting or ending with `.` or `-`, `/` written as `--`, at most MAX_SLUG_LENGTH characters.
 * Lossless ids (only `[A-Za-z0-9._-]` and single `/` separators) map to themselves with `/` → `--`.
 */
export function modelSlug(model: string): string {
  const segments = model.split('/').map(slugSegment).filter((s) => s.length > 0);
  let slug = segments.join('--');
  const lossless = slug === model.split('/').join('--') && slug.length > 0;
  if (lossless && slug.length <= MAX_SLUG_LENGTH) return slug;
  const suffix = shortHash(model);
  const room = MAX_SLUG_LENGTH - HASH_LENGTH - 1;
  slug = trimEdges(slug.slice(0, room));
  return slug ? `${slug}-${suffix}` : `model-${suffix}`;
}

function slugSegment(segment: string): string {
  // NFKD splits accented letters into letter + combining mark, so "é" keeps its "e".
  const ascii = segment.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  return trimEdges(ascii.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/-{2,}/g, '-').replace(/\.{2,}/g, '.'));
}

function trimEdges(text: string): string {
  return text.replace(/^[.-]+/, '').replace(/[.-]+$/, '');
}

/** 32-bit FNV-1a over the UTF-16 code units, as 8 hex digits: a short, stable name for a string. */
export function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(HASH_LENGTH, '0');
}
