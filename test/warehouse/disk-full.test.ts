import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { csv, memory } from '../../connectors/index.ts';
import { citizenId, definePipeline, loadPipeline } from '../../pipelines/index.ts';
import type { GongshuError } from '../../schemas/index.ts';
import { openWarehouse, WarehouseDiskFullError } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('a failed statement inside a transaction', () => {
  it('is the error reported, not the "transaction is aborted" of a cleanup after it', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    await wh.run('CREATE TABLE t (a INTEGER)');
    const error = await wh
      .transaction(async () => {
        try {
          await wh.run(`INSERT INTO t VALUES (CAST('x' AS INTEGER))`);
        } finally {
          await wh.run('DROP TABLE IF EXISTS temp.nothing');
        }
      })
      .catch((e: unknown) => e as Error);
    expect(String((error as Error).message)).toMatch(/Conversion Error/);
    expect(String((error as Error).message)).not.toMatch(/transaction is aborted/);
    // The connection works again afterwards.
    expect(await wh.value('SELECT count(*) FROM t')).toBe(0);
    wh.close();
  });
});

/** A small tmpfs, when this process may mount one (root on Linux); else the test is skipped with a notice. */
function smallDisk(): string | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'gongshu-disk-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', dir]);
  afterAll(() => {
    if (r.status === 0) spawnSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return r.status === 0 ? dir : undefined;
}

describe('a full disk', () => {
  const disk = smallDisk();
  if (!disk) {
    console.warn('SKIPPED: the full-disk test mounts a small tmpfs; run it as root on Linux');
  }
  it.skipIf(!disk)(
    'says the disk is full, where and how much is free; the warehouse stays as it was',
    async () => {
      const path = join(disk!, 'w.duckdb');
      const ids = ['11010519491231002X', '440524188001010014', '360426199101010071'];
      const p = (rows: number) =>
        definePipeline({
          name: 'people',
          source: memory({
            name: 'people.csv',
            columns: ['身份证号', '地址'],
            rows: Array.from({ length: rows }, (_, i) => [
              ids[i % 3]!,
              `新疆维吾尔自治区某某路${i}号${Math.random()}`,
            ]),
          }),
          dataset: { name: 'people', key: citizenId('身份证号'), writeMode: 'append' },
        });
      const wh = await openWarehouse({ path });
      await loadPipeline(wh, p(10));
      const error = (await loadPipeline(wh, p(300_000)).catch((e: unknown) => e)) as Error;
      expect(error).toBeInstanceOf(WarehouseDiskFullError);
      expect(error.message).toMatch(
        new RegExp(
          `^${path}: the disk is full: writing .+ failed \\(${disk} has .+ free\\)\\. Nothing of this operation was committed`,
        ),
      );
      wh.close();
      // The warehouse opens with the first load intact.
      const again = await openWarehouse({ path, readOnly: true });
      expect(await again.value('SELECT count(*) FROM people')).toBe(10);
      expect(await again.value('SELECT count(*) FROM gongshu.loads')).toBe(1);
      again.close();
    },
  );

  it.skipIf(!disk)(
    'says so when the temporary UTF-8 copy of a GB18030 file does not fit, and leaves no part of it',
    async () => {
      const dir = tempDir();
      const file = join(dir, 'big.csv');
      const row = iconv.encode('11010519491231002X,新疆维吾尔自治区乌鲁木齐市天山区某某路某号\n', 'gb18030');
      writeFileSync(
        file,
        Buffer.concat([iconv.encode('身份证号,地址\n', 'gb18030'), ...Array(200_000).fill(row)]),
      );
      const wh = await openWarehouse({ path: ':memory:' });
      const before = process.env.TMPDIR;
      process.env.TMPDIR = disk;
      try {
        const p = definePipeline({ name: 'big', source: csv({ path: file }), dataset: { name: 'big' } });
        const error = (await loadPipeline(wh, p).catch((e: unknown) => e)) as GongshuError;
        expect(error.code).toBe('disk-full');
        expect(error.message).toContain(
          `${file}: the disk is full: the temporary UTF-8 copy for DuckDB's reader could not be written to ${disk}`,
        );
        expect(readdirSync(disk!).filter((f) => f.endsWith('.utf8.csv'))).toEqual([]);
      } finally {
        if (before === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = before;
        wh.close();
      }
    },
  );
});
