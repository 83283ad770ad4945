import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openJournal } from '../../activities/journal/journal.js';
import { safeSegment } from '../../activities/sweep/paths.js';

const tempFile = () => join(mkdtempSync(join(tmpdir(), 'ns-journal-')), 'sub', 'journal.jsonl');

describe('journal', () => {
  it('persists entries across reopen and ignores duplicate keys', async () => {
    const path = tempFile();
    const a = await openJournal<number>(path);
    await Promise.all([a.append('s1', 1), a.append('s2', 2), a.append('s1', 99)]);
    await a.close();
    const b = await openJournal<number>(path);
    expect(b.entries()).toEqual([
      { key: 's1', value: 1 },
      { key: 's2', value: 2 },
    ]);
    await b.close();
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(2);
  });

  it('drops a torn final line and keeps appending cleanly', async () => {
    const path = tempFile();
    const a = await openJournal(path);
    await a.append('s1', { ok: true });
    await a.close();
    appendFileSync(path, '{"k":"s2","v":{"ok"');
    const b = await openJournal(path);
    expect(b.has('s2')).toBe(false);
    await b.append('s3', 3);
    await b.close();
    const c = await openJournal(path);
    expect(c.entries().map((e) => e.key)).toEqual(['s1', 's3']);
    await c.close();
  });

  it('keeps a complete final entry whose newline was lost', async () => {
    const path = tempFile();
    const a = await openJournal(path);
    await a.close();
    writeFileSync(path, '{"k":"s1","v":1}');
    const b = await openJournal(path);
    await b.append('s2', 2);
    await b.close();
    expect(readFileSync(path, 'utf8')).toBe('{"k":"s1","v":1}\n{"k":"s2","v":2}\n');
  });

  it('refuses a journal damaged before its last line, naming file and line', async () => {
    const path = tempFile();
    const a = await openJournal(path);
    await a.close();
    writeFileSync(path, '{"k":"s1","v":1}\nGARBAGE\n{"k":"s2","v":2}\n');
    await expect(openJournal(path)).rejects.toThrow(/journal .*journal\.jsonl line 2/);
  });

  it('binds a journal to its run: the same identity resumes, another is refused or set aside, never resumed from', async () => {
    const path = tempFile();
    const run1 = { run: 'r1', model: 'sim-a', config: 'c1' };
    const a = await openJournal<number>(path, { identity: run1 });
    await a.append('cell:1', 1);
    await a.close();
    const again = await openJournal<number>(path, { identity: run1 });
    expect(again.entries()).toEqual([{ key: 'cell:1', value: 1 }]);
    await again.close();

    const run2 = { run: 'r2', model: 'sim-a', config: 'c1' };
    await expect(openJournal(path, { identity: run2 })).rejects.toThrow(/belongs to another run \(run "r1" here, "r2" now\)/);
    const fresh = await openJournal<number>(path, { identity: run2, onMismatch: 'set-aside' });
    expect(fresh.entries()).toEqual([]);
    expect(fresh.setAside?.why).toBe('run "r1" here, "r2" now');
    expect(readFileSync(fresh.setAside!.path, 'utf8')).toContain('"cell:1"');
    await fresh.close();
    expect((await openJournal(path, { identity: run2 })).entries()).toEqual([]);
  });

  it('never resumes a journal that records no identity when one is asked for', async () => {
    const path = tempFile();
    const old = await openJournal(path);
    await old.append('cell:1', 1);
    await old.close();
    await expect(openJournal(path, { identity: { run: 'r1' } })).rejects.toThrow(/records no run identity/);
  });
});

describe('safeSegment', () => {
  it('keeps ids that differ only by case apart on a case-insensitive filesystem', () => {
    const upper = safeSegment('sweep/sim-A');
    const lower = safeSegment('sweep/sim-a');
    expect(upper.toLowerCase()).not.toBe(lower.toLowerCase());
    expect(lower).toBe('sweep~2Fsim-a');
    expect(upper).toMatch(/^sweep~2fsim-a\.[0-9a-f]{8}$/);
    expect(safeSegment('sweep/sim-A')).toBe(upper);
  });
});
