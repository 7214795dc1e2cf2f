import { describe, expect, it } from 'vitest';
import { memory } from '../../connectors/index.ts';
import { buildFoundation, defineFoundation } from '../../jobs/index.ts';
import { citizenId, definePipeline, loadPipeline } from '../../pipelines/index.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import { ids } from './helpers.ts';

const [K0, K1, K2, K3] = ids(4) as [string, string, string, string];
const people = defineFoundation({
  name: 'people',
  key: 'citizen-id',
  fields: { name: { source: 'reg', column: 'name' } },
});

/** A dataset merged by its record number: a corrected record may name another person. */
const load = (wh: Warehouse, rows: string[][], i: number) =>
  loadPipeline(
    wh,
    definePipeline({
      name: 'reg',
      source: memory({ name: 'reg-fixture', columns: ['id', 'record_no', 'name'], rows }),
      dataset: { name: 'reg', key: citizenId('id'), writeMode: 'merge', mergeKey: ['record_no'] },
    }),
    { now: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) },
  );

describe('incremental build after a merge by another key (mergeKey)', () => {
  it('drops the person a corrected record no longer names, as a full rebuild does', async () => {
    const inc = await openWarehouse({ path: ':memory:' });
    const full = await openWarehouse({ path: ':memory:' });
    try {
      for (const wh of [inc, full]) {
        await load(wh, [[K0, 'R1', '甲']], 1);
        await buildFoundation(wh, people, { now: new Date('2026-02-01T00:00:00Z') });
        // Record R1 is corrected: it was K1's, not K0's. The merge deletes K0's row.
        await load(wh, [[K1, 'R1', '乙']], 2);
      }
      const a = await buildFoundation(inc, people, { now: new Date('2026-02-02T00:00:00Z') });
      await buildFoundation(full, people, { now: new Date('2026-02-02T00:00:00Z'), fullRefresh: true });
      expect(a.mode).toBe('incremental');
      const rows = (wh: Warehouse) => wh.all('SELECT id_number, name FROM foundation.people ORDER BY ALL');
      expect(await rows(full)).toEqual([{ id_number: K1, name: '乙' }]);
      expect(await rows(inc)).toEqual(await rows(full));
      const history = (wh: Warehouse) => wh.all('SELECT * FROM foundation.people_history ORDER BY ALL');
      expect(await history(inc)).toEqual(await history(full));
    } finally {
      inc.close();
      full.close();
    }
  });

  it('builds in full when a merge deleted rows the foundation also reads through another key column', async () => {
    // Marriages keyed by one spouse, read for both: a replaced marriage's other spouse is not recorded.
    const spouses = defineFoundation({
      name: 'people',
      key: 'citizen-id',
      fields: { married_on: { source: 'mar', column: 'married_on', keys: ['id', 'spouse_id'] } },
    });
    const marriage = (rows: string[][]) =>
      definePipeline({
        name: 'mar',
        source: memory({ name: 'mar-fixture', columns: ['id', 'spouse_id', 'married_on'], rows }),
        dataset: { name: 'mar', key: citizenId('id'), writeMode: 'merge' },
      });
    const inc = await openWarehouse({ path: ':memory:' });
    const full = await openWarehouse({ path: ':memory:' });
    try {
      for (const wh of [inc, full]) {
        await loadPipeline(wh, marriage([[K2, K3, '2020-01-01']]), { now: new Date('2026-01-01T00:00:00Z') });
        await buildFoundation(wh, spouses, { now: new Date('2026-02-01T00:00:00Z') });
        // K2's record is corrected: the spouse was K0, not K3. K3 no longer holds a marriage.
        await loadPipeline(wh, marriage([[K2, K0, '2020-01-01']]), { now: new Date('2026-01-02T00:00:00Z') });
      }
      const a = await buildFoundation(inc, spouses, { now: new Date('2026-02-02T00:00:00Z') });
      await buildFoundation(full, spouses, { now: new Date('2026-02-02T00:00:00Z'), fullRefresh: true });
      expect(a.mode).toBe('full');
      expect(a.reason).toMatch(/deleted rows of mar/);
      const rows = (wh: Warehouse) => wh.all('SELECT id_number FROM foundation.people ORDER BY ALL');
      expect((await rows(full)).map((r) => r.id_number)).toEqual([K2, K0].sort());
      expect(await rows(inc)).toEqual(await rows(full));
    } finally {
      inc.close();
      full.close();
    }
  });
});
