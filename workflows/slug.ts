// Child workflow ids are `<sweep id>/<model slug>`. The sandbox has no node:crypto, so this is a pure
// slug: lossless ids keep their characters ("/" becomes "--"); anything lossy gets an FNV-1a suffix so two
// different ids cannot share a child id. (Shard names use activities/util/slug.ts on the worker.)
export function childSlug(model: string): string {
  const slug = model
    .split('/')
    .map((s) => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+|[.-]+$/g, ''))
    .filter((s) => s.length > 0)
    .join('--');
  const lossless = slug === model.split('/').join('--') && slug.length > 0 && slug.length <= 80;
  if (lossless) return slug;
  return `${slug.slice(0, 70) || 'model'}-${fnv1a(model)}`;
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
