import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWarehouse, WarehouseLockedError } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('warehouse', () => {
  it('creates the system tables and reference data, idempotently', async () => {
    const dir = tempDir();
    const path = join(dir, 'w.duckdb');
    for (let i = 0; i < 2; i++) {
      const wh = await openWarehouse({ path });
      const tables = await wh.all<{ t: string }>(
        `SELECT schema_name || '.' || table_name AS t FROM duckdb_tables() WHERE schema_name = 'gongshu' ORDER BY 1`,
      );
      expect(tables.map((r) => r.t)).toEqual(
        expect.arrayContaining([
          'gongshu.code_tables',
          'gongshu.cursors',
          'gongshu.datasets',
          'gongshu.divisions',
          'gongshu.loads',
          'gongshu.meta',
          'gongshu.quarantine',
          'gongshu.runs',
          'gongshu.schema_changes',
          'gongshu.files',
        ]),
      );
      expect(await wh.value('SELECT count(*) FROM gongshu.divisions WHERE code = $1', ['650102'])).toBe(1);
      expect(
        await wh.value(`SELECT count(*) FROM gongshu.code_tables WHERE code_table = 'ethnicity'`),
      ).toBeGreaterThanOrEqual(56);
      wh.close();
    }
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('keeps no system table in main, and converts a warehouse of the first layout (main.gongshu_<name>)', async () => {
    const dir = tempDir();
    const path = join(dir, 'w.duckdb');
    let wh = await openWarehouse({ path });
    expect(await wh.value(`SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main'`)).toBe(0);
    await wh.run(
      `INSERT INTO gongshu.runs (run_id, kind, target, status, started_at) VALUES ('r1', 'pipeline', 'x', 'succeeded', now())`,
    );
    // Rebuild the first layout by hand: the tables in main under their old names, without the later columns.
    await wh.run('CREATE TABLE main.gongshu_runs AS SELECT * FROM gongshu.runs');
    await wh.run('CREATE TABLE main.gongshu_cursors AS SELECT * EXCLUDE (value_type) FROM gongshu.cursors');
    await wh.run(
      `INSERT INTO main.gongshu_cursors VALUES ('hukou', 'updated_at', '2026-01-01', 'l1', now())`,
    );
    await wh.run('DELETE FROM gongshu.runs');
    wh.close();
    wh = await openWarehouse({ path });
    try {
      expect(await wh.value(`SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main'`)).toBe(0);
      expect(await wh.value(`SELECT run_id FROM gongshu.runs`)).toBe('r1');
      expect(await wh.all('SELECT dataset, value, value_type FROM gongshu.cursors')).toEqual([
        { dataset: 'hukou', value: '2026-01-01', value_type: null },
      ]);
    } finally {
      wh.close();
    }
  });

  it('rolls a failed transaction back and commits a good one', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    await wh.run('CREATE TABLE t (a INTEGER)');
    await expect(
      wh.transaction(async () => {
        await wh.run('INSERT INTO t VALUES (1)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await wh.value('SELECT count(*) FROM t')).toBe(0);
    await wh.transaction(async () => wh.run('INSERT INTO t VALUES (2)'));
    expect(await wh.value('SELECT sum(a) FROM t')).toBe(2);
    wh.close();
  });

  it('gives a second writer a clear error naming the holder', async () => {
    const dir = tempDir();
    const path = join(dir, 'w.duckdb');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'hold-lock.ts'), path],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
        child.on('exit', (code) => reject(new Error(`holder exited with ${code}`)));
      });
      const error = await openWarehouse({ path }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WarehouseLockedError);
      expect((error as Error).message).toContain(`pid ${child.pid}`);
      expect((error as Error).message).toContain('Only one writer at a time');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
    }
    // The holder is gone: the lock is free again.
    const wh = await openWarehouse({ path });
    wh.close();
  });

  it('takes over a lock left by a dead process', async () => {
    const dir = tempDir();
    const path = join(dir, 'w.duckdb');
    const { writeFileSync } = await import('node:fs');
    const { hostname } = await import('node:os');
    writeFileSync(
      `${path}.lock`,
      JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), command: 'x', since: 'y' }),
    );
    const wh = await openWarehouse({ path });
    wh.close();
  });
});
