// A 100 MB samples file must be streamed, not read whole: the conversion runs in a child process whose
// peak RSS growth is compared with the file's size. (An outcome check on memory, not a timing check.)
import { execFile } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from './support/context.js';

const STAMP = '2026-11-20T01-02-03.000004';
const FILE_BYTES = 100 * 1024 * 1024;
const child = fileURLToPath(new URL('./support/convert-lm-eval-child.ts', import.meta.url));

async function writeBigSamples(path: string): Promise<number> {
  // Each doc carries a ~1 MB passage (as long-context tasks log them); prompts and responses stay short.
  const passage = 'the quick brown fox jumps over the lazy dog '.repeat(Math.ceil((1024 * 1024) / 44));
  const out = createWriteStream(path);
  let bytes = 0;
  let docs = 0;
  while (bytes < FILE_BYTES) {
    const line = `${JSON.stringify({ doc_id: docs, doc: { passage }, arguments: { gen_args_0: { arg_0: `Question ${String(docs)}: what jumps?`, arg_1: { until: ['\n'] } } }, resps: [['The fox.']], filtered_resps: ['The fox.'], filter: 'none' })}\n`;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    bytes += Buffer.byteLength(line);
    docs++;
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  return docs;
}

describe('lm-eval samples streaming', () => {
  it('converts a run with a 100 MB samples file without holding the file in memory', async () => {
    const dir = await tempDir();
    const docs = await writeBigSamples(join(dir, `samples_bigtask_${STAMP}.jsonl`));
    await writeFile(
      join(dir, `results_${STAMP}.json`),
      JSON.stringify({
        results: { bigtask: { 'exact_match,none': 1 } },
        'n-samples': { bigtask: { original: docs, effective: docs } },
        configs: {},
        config: { model: 'hf', model_args: 'pretrained=org/model' },
        date: 1763600000,
        total_evaluation_time_seconds: '50',
      }),
    );
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child, dir], { maxBuffer: 1024 * 1024 });
    const report = JSON.parse(stdout.trim().split('\n').at(-1) as string) as { peakGrowthKiB: number; tags: Record<string, string>; errors: string[] };
    expect(report.errors).toEqual([]);
    expect(report.tags.samples_docs).toBe(String(docs));
    expect(Number(report.tags.prompt_tokens)).toBeGreaterThan(docs * 5);
    // Reading the file whole would grow the peak by at least its size; streaming stays far below.
    expect(report.peakGrowthKiB * 1024).toBeLessThan(FILE_BYTES / 2);
  });
});
