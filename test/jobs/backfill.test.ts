import { describe, expect, it } from 'vitest';
import { backfill, inRange } from '../../jobs/index.ts';
import { loadPipeline } from '../../pipelines/index.ts';
import { listRuns, openWarehouse } from '../../warehouse/index.ts';
import { ids, memPipeline } from './helpers.ts';

const KEYS = ids(6);
const rows = KEYS.map((k, i) => [k, `人${i}`, `2026-01-0${i + 1}`]);
const pipeline = (writeMode: 'merge' | 'replace' = 'merge') =>
  memPipeline('events', ['id', 'name', 'day'], rows, {
    writeMode,
    incremental: { column: 'day', initial: '2026-01-04' },
  });

describe('backfill', () => {
  it('loads a date range of a partitioned input without moving the live cursor', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    const live = await loadPipeline(wh, pipeline());
    expect(live.rowsLoaded).toBe(2); // 01-05, 01-06 (after the initial 01-04)
    const cursor = await wh.all('SELECT value, load_id FROM gongshu.cursors');
    expect(cursor[0]).toMatchObject({ value: '2026-01-06' });

    const r = await backfill(wh, pipeline(), { from: '2026-01-02', to: '2026-01-03' });
    expect(r.rowsRead).toBe(2);
    expect(r.rowsLoaded).toBe(2);
    expect(await wh.all('SELECT value, load_id FROM gongshu.cursors')).toEqual(cursor);
    const days = await wh.all<{ d: string }>('SELECT day AS d FROM events ORDER BY 1');
    expect(days.map((x) => x.d)).toEqual(['2026-01-02', '2026-01-03', '2026-01-05', '2026-01-06']);
    const [run] = await listRuns(wh, { kind: 'backfill' });
    expect(run).toMatchObject({ target: 'events', status: 'succeeded', rows_loaded: 2 });
    // the next live load still starts after the cursor
    expect((await loadPipeline(wh, pipeline())).rowsLoaded).toBe(0);
    wh.close();
  });

  it('refuses replace datasets, non-incremental ones and reversed ranges', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    await expect(backfill(wh, pipeline('replace'), { from: '2026-01-01', to: '2026-01-02' })).rejects.toThrow(
      /would replace the whole table/,
    );
    await expect(
      backfill(wh, memPipeline('x', ['id'], []), { from: '2026-01-01', to: '2026-01-02' }),
    ).rejects.toThrow(/dataset\.incremental is not set/);
    await expect(backfill(wh, pipeline(), { from: '2026-02-01', to: '2026-01-01' })).rejects.toThrow(
      /from ≤ to/,
    );
    wh.close();
  });

  it('compares dates, timestamps and numbers by value', () => {
    expect(inRange('2026-01-31 23:59:59', { from: '2026-01-01', to: '2026-01-31' })).toBe(true);
    expect(inRange('2026/2/1', { from: '2026-01-01', to: '2026-01-31' })).toBe(false);
    expect(inRange('10', { from: '9', to: '100' })).toBe(true);
    expect(inRange('', { from: '9', to: '100' })).toBe(false);
  });
});
