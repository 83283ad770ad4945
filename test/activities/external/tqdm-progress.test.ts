// Progress-bar parsing for external tools' tqdm output (lm-eval "Requesting API", vllm bench), and where the
// pid registry lives.
import { describe, expect, it } from 'vitest';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { defaultRegistryDir } from '../../../activities/suites/external/process-registry.js';
import { LineSplitter, parseTqdmLine } from '../../../activities/suites/external/tqdm-progress.js';

describe('parseTqdmLine', () => {
  it('reads label, completed and total from lm-eval bars', () => {
    expect(parseTqdmLine('Requesting API:  37%|███▋      | 37/100 [00:12<00:21,  2.9it/s]')).toEqual({
      label: 'Requesting API',
      completed: 37,
      total: 100,
    });
    expect(parseTqdmLine('100%|██████████| 5/5 [00:00<00:00, 1026.56it/s]')).toEqual({ label: '', completed: 5, total: 5 });
  });
  it('ignores log lines and impossible counts', () => {
    expect(parseTqdmLine('2026-11-23:03:06:49 INFO [evaluator:589] Running generate_until requests')).toBeUndefined();
    expect(parseTqdmLine('x: 10%|#| 11/10 [0]')).toBeUndefined();
    expect(parseTqdmLine('ratio 3/4 done')).toBeUndefined();
  });
});

describe('LineSplitter', () => {
  it('splits on \\r and \\n across chunk boundaries', () => {
    const s = new LineSplitter();
    expect(s.push('a: 1%|| 1/100\rb')).toEqual(['a: 1%|| 1/100']);
    expect(s.push('c\r\nd\ne')).toEqual(['bc', 'd']);
    expect(s.flush()).toEqual(['e']);
    expect(s.flush()).toEqual([]);
  });
});

describe('defaultRegistryDir', () => {
  it('follows the state dir, then the data dir, then the home directory', () => {
    expect(defaultRegistryDir({ NIGHTSHIFT_STATE_DIR: '/s', NIGHTSHIFT_DATA_DIR: '/d' })).toBe('/s/pids');
    expect(defaultRegistryDir({ NIGHTSHIFT_DATA_DIR: '/d' })).toBe('/d/pids');
    expect(defaultRegistryDir({})).toBe(join(homedir(), '.nightshift', 'pids'));
  });
});
