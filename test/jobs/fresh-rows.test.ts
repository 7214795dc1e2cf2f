import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { uniqueSources } from '../../jobs/foundations/unique-sources.ts';
import { buildFoundation, defineFoundation, type PartRows } from '../../jobs/index.ts';
import { loadPipeline } from '../../pipelines/index.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';
import { ids, memPipeline } from './helpers.ts';

const KEYS = ids(40);
const people = (name: string) =>
  defineFoundation({
    name,
    key: 'citizen-id',
    fields: {
      name: { source: 'reg', column: 'name' },
      town: { source: 'reg', column: 'town', where: "town <> 'X'" },
      status: { source: 'ss', column: 'status', latest: 'since' },
      degree: { source: 'edu', column: 'degree' },
    },
    others: { name: [{ source: 'ss', column: 'name' }] },
  });

const foundationRows = (wh: Warehouse, name: string) =>
  wh.all(`SELECT * EXCLUDE (valid_from) FROM foundation.${name} ORDER BY ALL`);
const conflicts = (wh: Warehouse, name: string) =>
  wh.all(`SELECT * FROM foundation.${name}_conflicts ORDER BY ALL`);
const sources = new Map([
  ['reg', { table: 'reg', keyColumn: 'id' }],
  ['ss', { table: 'ss', keyColumn: 'id' }],
  ['edu', { table: 'edu', keyColumn: 'id' }],
]);

/**
 * The three ways a full build reads a pick: reg merges on its key (the ledger shows one row per key: read as it
 * is); ss's appends repeat half its rows' keys (winning rows chosen by rowid); edu's repeat a few (a row chosen
 * for those keys only).
 */
async function load(wh: Warehouse): Promise<void> {
  const at = (s: number) => ({ now: new Date(Date.UTC(2026, 0, 1, 0, 0, s)) });
  await loadPipeline(
    wh,
    memPipeline(
      'reg',
      ['id', 'name', 'town'],
      KEYS.map((k, i) => [k, `人${i}`, i % 7 ? 'A' : 'X']),
    ),
    at(1),
  );
  await loadPipeline(
    wh,
    memPipeline(
      'reg',
      ['id', 'name', 'town'],
      KEYS.slice(0, 9).map((k, i) => [k, `改${i}`, 'B']),
    ),
    at(2),
  );
  const ss = (rows: string[][]) =>
    memPipeline('ss', ['id', 'name', 'status', 'since'], rows, { writeMode: 'append' });
  await loadPipeline(
    wh,
    ss(KEYS.slice(5, 30).map((k, i) => [k, i % 4 ? `人${i + 5}` : '别名', '参保', '2021-01-01'])),
    at(3),
  );
  await loadPipeline(wh, ss(KEYS.slice(20, 35).map((k) => [k, '别名', i2s(k), '2020-01-01'])), at(4));
  const edu = (rows: string[][]) => memPipeline('edu', ['id', 'degree'], rows, { writeMode: 'append' });
  await loadPipeline(wh, edu(KEYS.slice(0, 30).map((k, i) => [k, i % 2 ? '本科' : '大专'])), at(5));
  await loadPipeline(
    wh,
    edu([
      [KEYS[3]!, '硕士'],
      [KEYS[4]!, '博士'],
    ]),
    at(6),
  );
}
const i2s = (k: string) => (k.endsWith('1') ? '停保' : '参保');

describe('the fresh rows of a full build', () => {
  it('are the same in one part or many, whether a source is read as it is or a row per key is chosen', async () => {
    const wh = await openWarehouse({ path: join(tempDir(), 'w.duckdb') });
    try {
      await load(wh);
      expect(await uniqueSources(wh, sources)).toEqual(new Set(['reg']));
      const sizes: Record<string, PartRows> = {
        one: { chosen: 1_000, unique: 1_000 },
        many: { chosen: 7, unique: 3 },
        tiny: { chosen: 1, unique: 1 },
      };
      const statements: string[] = [];
      const run = wh.run.bind(wh);
      wh.run = (sql, params) => {
        statements.push(sql);
        return run(sql, params);
      };
      for (const [name, partRows] of Object.entries(sizes)) {
        const r = await buildFoundation(wh, people(name), { partRows });
        expect(r.rows).toBe(40);
        // The build says how: the ledger's source as it is, edu's repeated keys, ss's winning rows.
        expect(r.computed).toMatchObject({
          sources: { reg: 'as-is', edu: 'repeated-keys', ss: 'winning-rows' },
          recomputed: false,
        });
        expect(r.computed!.parts > 1).toBe(name !== 'one');
      }
      // Each way was taken: edu's few repeated keys chosen alone, ss's winning rows read back by rowid.
      expect(statements.some((s) => /ANTI JOIN/.test(s) && /"edu"/.test(s))).toBe(true);
      expect(statements.some((s) => /__gs_one_winners_p\d+" AS SELECT __k, arg_max\(__rowid/.test(s))).toBe(
        true,
      );
      const key = people('one').keyColumn;
      const of = (k: string) =>
        wh.all(`SELECT name, town, status, degree FROM foundation.tiny WHERE ${key} = '${k}'`);
      expect(await of(KEYS[3]!)).toEqual([{ name: '改3', town: 'B', status: null, degree: '硕士' }]);
      expect(await of(KEYS[21]!)).toEqual([{ name: '人21', town: null, status: '参保', degree: '本科' }]);
      for (const name of ['many', 'tiny']) {
        expect(await foundationRows(wh, name)).toEqual(await foundationRows(wh, 'one'));
        expect(await conflicts(wh, name)).toEqual(await conflicts(wh, 'one'));
      }
      // And a full rebuild in parts changes nothing.
      const again = await buildFoundation(wh, people('many'), { fullRefresh: true, partRows: sizes.many });
      expect(again.history).toEqual({ opened: 0, closed: 0 });
    } finally {
      wh.close();
    }
  });

  it('are the same in one part or many for a pick read through two key columns', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    try {
      // Each marriage is held by both spouses' keys; KEYS[0] married twice (its rows repeat the key).
      const rows = [
        [KEYS[0]!, KEYS[1]!, '2001-01-01'],
        [KEYS[2]!, KEYS[3]!, '2002-01-01'],
        [KEYS[0]!, KEYS[4]!, '2010-01-01'],
        ...KEYS.slice(10, 30).map((k, i) => [k, KEYS[30 + (i % 10)]!, `20${10 + i}-06-01`]),
      ];
      await loadPipeline(
        wh,
        memPipeline('mar', ['id', 'spouse_id', 'married_on'], rows, { writeMode: 'replace' }),
      );
      const married = (name: string) =>
        defineFoundation({
          name,
          key: 'citizen-id',
          fields: {
            married_on: {
              source: 'mar',
              column: 'married_on',
              keys: ['id', 'spouse_id'],
              latest: 'married_on',
            },
          },
        });
      const one = await buildFoundation(wh, married('one'));
      const many = await buildFoundation(wh, married('many'), { partRows: { chosen: 1, unique: 2 } });
      expect(many.rows).toBe(one.rows);
      expect(await foundationRows(wh, 'many')).toEqual(await foundationRows(wh, 'one'));
      const key = married('one').keyColumn;
      expect(await wh.value(`SELECT married_on FROM foundation.many WHERE ${key} = '${KEYS[0]}'`)).toBe(
        '2010-01-01',
      );
      expect(await wh.value(`SELECT married_on FROM foundation.many WHERE ${key} = '${KEYS[30]}'`)).toBe(
        '2020-06-01',
      );
    } finally {
      wh.close();
    }
  });

  it('choose a row per key again when a table the ledger shows with one row per key has one twice (written by hand)', async () => {
    const wh = await openWarehouse({ path: join(tempDir(), 'w.duckdb') });
    try {
      await load(wh);
      const before = await buildFoundation(wh, people('p'));
      expect(before.rows).toBe(40);
      // A row added by hand for a key reg already holds, ingested earlier: the loaded row stays the latest.
      await wh.run(`INSERT INTO reg BY NAME SELECT * REPLACE ('手写' AS name, _ingested_at - INTERVAL 1 DAY AS _ingested_at)
                    FROM reg WHERE id = '${KEYS[12]}'`);
      // And one ingested later, for another key: it is the latest, so it wins.
      await wh.run(`INSERT INTO reg BY NAME SELECT * REPLACE ('后写' AS name, _ingested_at + INTERVAL 1 DAY AS _ingested_at)
                    FROM reg WHERE id = '${KEYS[13]}'`);
      expect(await uniqueSources(wh, sources)).toEqual(new Set(['reg']));
      for (const partRows of [undefined, { chosen: 5, unique: 5 }]) {
        const r = await buildFoundation(wh, people('p'), { fullRefresh: true, partRows });
        expect(r.rows).toBe(40);
        expect(r.computed).toMatchObject({ recomputed: true, sources: { reg: 'repeated-keys' } });
        const key = people('p').keyColumn;
        const names = await wh.all<{ name: string }>(
          `SELECT name FROM foundation.p WHERE ${key} IN ('${KEYS[12]}', '${KEYS[13]}') ORDER BY ${key}`,
        );
        expect(names.map((n) => n.name)).toEqual(['人12', '后写']);
      }
    } finally {
      wh.close();
    }
  });

  it('reads a source as it is only while its loads since the last replace keep one row per key', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    try {
      const reg = (rows: string[][], writeMode: 'replace' | 'append' | 'merge') =>
        memPipeline('reg', ['id', 'name'], rows, { writeMode });
      const one = new Map([['reg', { table: 'reg', keyColumn: 'id' }]]);
      const unique = async () => (await uniqueSources(wh, one)).has('reg');
      await loadPipeline(
        wh,
        reg(
          [
            [KEYS[0]!, '甲'],
            [KEYS[0]!, '乙'],
            [KEYS[1]!, '丙'],
          ],
          'replace',
        ),
      );
      expect(await unique()).toBe(false); // a replace that wrote a key twice
      await loadPipeline(
        wh,
        reg(
          [
            [KEYS[0]!, '甲'],
            [KEYS[1]!, '丙'],
          ],
          'replace',
        ),
      );
      expect(await unique()).toBe(true);
      await loadPipeline(
        wh,
        reg(
          [
            [KEYS[1]!, '丁'],
            [KEYS[1]!, '戊'],
            [KEYS[2]!, '己'],
          ],
          'merge',
        ),
      );
      expect(await unique()).toBe(true); // a merge on the key keeps its last row of each key
      await loadPipeline(wh, reg([[KEYS[3]!, '庚']], 'append'));
      expect(await unique()).toBe(false); // an append may repeat a key
      await loadPipeline(wh, reg([[KEYS[3]!, '庚']], 'replace'));
      expect(await unique()).toBe(true);
      // A load recorded before the ledger counted repeated keys proves nothing.
      await wh.run('UPDATE gongshu.loads SET duplicate_key_rows = NULL');
      expect(await unique()).toBe(false);
    } finally {
      wh.close();
    }
  });
});
