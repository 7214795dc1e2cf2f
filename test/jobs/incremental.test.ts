import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asOfSql, buildFoundation, defineFoundation, type FoundationSpec } from '../../jobs/index.ts';
import { loadPipeline } from '../../pipelines/index.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import { ids, memPipeline } from './helpers.ts';

const KEYS = ids(12);
type Spec = Omit<FoundationSpec, 'name'>;
const peopleSpec: Spec = {
  key: 'citizen-id',
  fields: {
    name: { source: 'reg', column: 'name' },
    town: { source: 'reg', column: 'town', where: "town <> 'X'" },
    status: { source: 'ss', column: 'status', latest: 'since' },
  },
  others: { name: [{ source: 'ss', column: 'name' }] },
};
const people = defineFoundation({ name: 'people', ...peopleSpec });

type Change =
  | { ds: 'reg'; mode: 'merge' | 'append'; rows: [number, string, string][] }
  | { ds: 'ss'; mode: 'merge' | 'append'; rows: [number, string, string, string][] };

const name = fc.constantFrom('甲', '乙', '丙', '丁');
const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({
    ds: fc.constant('reg' as const),
    mode: fc.constantFrom('merge' as const, 'append' as const),
    rows: fc.array(fc.tuple(fc.nat(KEYS.length - 1), name, fc.constantFrom('A', 'B', 'X')), {
      minLength: 1,
      maxLength: 5,
    }),
  }),
  fc.record({
    ds: fc.constant('ss' as const),
    mode: fc.constantFrom('merge' as const, 'append' as const),
    rows: fc.array(
      fc.tuple(
        fc.nat(KEYS.length - 1),
        name,
        fc.constantFrom('参保', '停保'),
        fc.constantFrom('2020-01-01', '2021-01-01', '2022-01-01'),
      ),
      { minLength: 1, maxLength: 5 },
    ),
  }),
);

async function apply(wh: Warehouse, c: Change, i: number) {
  const p =
    c.ds === 'reg'
      ? memPipeline(
          'reg',
          ['id', 'name', 'town'],
          c.rows.map(([k, n, t]) => [KEYS[k]!, n, t]),
          { writeMode: c.mode },
        )
      : memPipeline(
          'ss',
          ['id', 'name', 'status', 'since'],
          c.rows.map(([k, n, s, d]) => [KEYS[k]!, n, s, d]),
          {
            writeMode: c.mode,
          },
        );
  await loadPipeline(wh, p, { now: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) });
}

const snapshot = async (wh: Warehouse, name = 'people') => ({
  rows: await wh.all(`SELECT * FROM foundation.${name} ORDER BY ALL`),
  conflicts: await wh.all(`SELECT * FROM foundation.${name}_conflicts ORDER BY ALL`),
  history: await wh.all(`SELECT * FROM foundation.${name}_history ORDER BY ALL`),
});

// Keys can drop out of a pick (filters on both sources), and a field is split by key prefix: the incremental
// build must fall back to reading every source when a key may have lost its last recomputed source.
const mixedSpec: Spec = {
  key: 'citizen-id',
  fields: {
    name: { source: 'reg', column: 'name', where: "town <> 'X'" },
    town: { source: 'reg', column: 'town', where: "town <> 'X'" },
    status: { source: 'ss', column: 'status', latest: 'since', where: "status <> '停保'" },
    alias: [
      { source: 'reg', column: 'name', keyPrefix: ['650102'] },
      { source: 'ss', column: 'name', keyPrefix: ['9'] },
    ],
  },
  others: { name: [{ source: 'ss', column: 'name' }] },
};

// Columns named only inside expr and where (an incremental build reads only the source columns its refs use).
const exprsSpec: Spec = {
  key: 'citizen-id',
  fields: {
    label: { source: 'reg', expr: "name || '/' || town", where: "town <> 'X'" },
    status: { source: 'ss', column: 'status' },
  },
  others: { label: [{ source: 'ss', expr: "name || '/A'", where: "since >= '2021-01-01'" }] },
};

// A first build opens every version at its own time: rows compare without `valid_from`.
const rowsAndConflicts = async (wh: Warehouse, name = 'people') => ({
  rows: await wh.all(`SELECT * EXCLUDE (valid_from) FROM foundation.${name} ORDER BY ALL`),
  conflicts: await wh.all(`SELECT * FROM foundation.${name}_conflicts ORDER BY ALL`),
});

/**
 * The same definition under three names, built side by side in one warehouse from the same loads (a foundation's
 * state, tables and integrated loads are its own): `inc` incrementally, `full` in full after each change, `first`
 * once at the end as a first build.
 */
const triple = (spec: Spec) => ({
  inc: defineFoundation({ ...spec, name: 'inc' }),
  full: defineFoundation({ ...spec, name: 'full' }),
  first: defineFoundation({ ...spec, name: 'first' }),
});

/** Each property run loads and builds up to 12 times; the limit only stops a hung test, it asserts no speed. */
const PROPERTY_TIMEOUT_MS = 600_000;

function equalsFullRebuild(spec: Spec, numRuns: number) {
  const foundations = triple(spec);
  return fc.assert(
    // Some builds integrate several loads at once (of one source or both, merges and appends mixed).
    fc.asyncProperty(
      fc.array(fc.oneof(change, fc.array(change, { minLength: 2, maxLength: 3 })), {
        minLength: 1,
        maxLength: 6,
      }),
      (changes) => compareBuilds(foundations, changes),
    ),
    { numRuns },
  );
}

/**
 * Applies the changes to a warehouse, building `inc` incrementally and `full` in full after each change (after
 * each group of changes, for an array), and `first` once at the end.
 */
async function compareBuilds(f: ReturnType<typeof triple>, changes: (Change | Change[])[]): Promise<void> {
  const wh = await openWarehouse({ path: ':memory:' });
  try {
    // Both sources exist before the first build.
    const seed: Change[] = [
      { ds: 'reg', mode: 'merge', rows: [[0, '甲', 'A']] },
      { ds: 'ss', mode: 'merge', rows: [[1, '乙', '参保', '2020-01-01']] },
    ];
    let step = 0;
    let loads = 0;
    for (const group of [...seed, ...changes]) {
      step++;
      for (const c of Array.isArray(group) ? group : [group]) await apply(wh, c, ++loads);
      if (step < seed.length) continue;
      const now = new Date(Date.UTC(2026, 1, step));
      const a = await buildFoundation(wh, f.inc, { now });
      const b = await buildFoundation(wh, f.full, { now, fullRefresh: true });
      expect(a.mode).toBe(step === seed.length ? 'full' : 'incremental');
      expect(b.mode).toBe('full');
      expect(await snapshot(wh, 'inc')).toEqual(await snapshot(wh, 'full'));
    }
    // Rows and conflicts also equal a first build from the same data (written anew, not diffed).
    await buildFoundation(wh, f.first, { now: new Date(Date.UTC(2026, 2, 1)) });
    expect(await rowsAndConflicts(wh, 'first')).toEqual(await rowsAndConflicts(wh, 'inc'));
  } finally {
    wh.close();
  }
}

describe('incremental foundation builds', () => {
  it(
    'equal a full rebuild after every random change set (rows, conflicts and history)',
    async () => {
      await equalsFullRebuild(peopleSpec, 15);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'equal a full rebuild when keys drop out of picks and a field is split by key prefix',
    async () => {
      await equalsFullRebuild(mixedSpec, 15);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('equal a full rebuild when a key leaves the only recomputed pick but another source still holds it', async () => {
    // Both sources change in the same build, for different keys: reg's new load has only KEYS[3], ss's only
    // KEYS[1], whose new status the filter drops. KEYS[1] is still held by reg (unchanged for it).
    await compareBuilds(triple(mixedSpec), [
      { ds: 'reg', mode: 'merge', rows: [[1, '乙', 'A']] },
      { ds: 'ss', mode: 'merge', rows: [[1, '乙', '参保', '2020-01-01']] },
      [
        { ds: 'reg', mode: 'merge', rows: [[3, '丁', 'B']] },
        { ds: 'ss', mode: 'merge', rows: [[1, '乙', '停保', '2021-01-01']] },
      ],
    ]);
  });

  it(
    'equal a full rebuild when values and filters are SQL over the source columns',
    async () => {
      await equalsFullRebuild(exprsSpec, 10);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it('equal a full rebuild after a source column changed type (closed versions take the new type when they convert)', async () => {
    const dated = defineFoundation({
      name: 'people',
      key: 'citizen-id',
      fields: { name: { source: 'reg', column: 'name' }, since: { source: 'ss', column: 'since' } },
    });
    const [inc, full] = [
      await openWarehouse({ path: ':memory:' }),
      await openWarehouse({ path: ':memory:' }),
    ];
    try {
      for (const wh of [inc, full]) {
        await loadPipeline(
          wh,
          memPipeline(
            'reg',
            ['id', 'name'],
            [
              [KEYS[0]!, '甲'],
              [KEYS[1]!, '乙'],
            ],
          ),
        );
        await loadPipeline(
          wh,
          memPipeline(
            'ss',
            ['id', 'status', 'since'],
            [
              [KEYS[0]!, '参保', '2020-01-01'],
              [KEYS[1]!, '参保', '2021-01-01'],
            ],
          ),
        );
        await buildFoundation(wh, dated, { now: new Date(Date.UTC(2026, 0, 1)) });
        await wh.run('ALTER TABLE ss ALTER COLUMN since TYPE DATE');
        const r = await buildFoundation(wh, dated, {
          now: new Date(Date.UTC(2026, 0, 2)),
          fullRefresh: true,
        });
        expect(r.mode).toBe('full');
        await loadPipeline(wh, memPipeline('reg', ['id', 'name'], [[KEYS[0]!, '丙']]));
      }
      const now = new Date(Date.UTC(2026, 0, 3));
      expect((await buildFoundation(inc, dated, { now })).mode).toBe('incremental');
      expect((await buildFoundation(full, dated, { now, fullRefresh: true })).mode).toBe('full');
      expect(await snapshot(inc)).toEqual(await snapshot(full));
      expect(await inc.value('SELECT typeof(since) FROM foundation.people LIMIT 1')).toBe('DATE');
      expect(
        await inc.value(
          `SELECT data_type FROM duckdb_columns() WHERE table_name = 'people_closed' AND column_name = 'since'`,
        ),
      ).toBe('DATE');
    } finally {
      inc.close();
      full.close();
    }
  });

  it('recomputes only the touched keys, and does nothing when no load is new', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    await loadPipeline(
      wh,
      memPipeline(
        'reg',
        ['id', 'name', 'town'],
        KEYS.map((k) => [k, '甲', 'A']),
      ),
    );
    await loadPipeline(
      wh,
      memPipeline('ss', ['id', 'name', 'status', 'since'], [[KEYS[0]!, '乙', '参保', '2020-01-01']]),
    );
    expect((await buildFoundation(wh, people)).mode).toBe('full');
    expect(await buildFoundation(wh, people)).toMatchObject({ mode: 'unchanged', keysRecomputed: 0 });
    await loadPipeline(wh, memPipeline('reg', ['id', 'name', 'town'], [[KEYS[3]!, '丙', 'B']]));
    const r = await buildFoundation(wh, people);
    expect(r).toMatchObject({
      mode: 'incremental',
      keysRecomputed: 1,
      rows: KEYS.length,
      history: { opened: 1, closed: 1 },
    });
    // a replace load forces a full build
    await loadPipeline(
      wh,
      memPipeline('reg', ['id', 'name', 'town'], [[KEYS[3]!, '丙', 'B']], { writeMode: 'replace' }),
    );
    const f = await buildFoundation(wh, people);
    expect(f.mode).toBe('full');
    expect(f.reason).toMatch(/replaced table reg/);
    expect(f.rows).toBe(2); // KEYS[3] from reg, KEYS[0] from ss
    wh.close();
  });
});

describe('foundation history (SCD2)', () => {
  it('answers what the foundation said at any past time', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    const t = (d: number) => new Date(Date.UTC(2026, 0, d));
    await loadPipeline(
      wh,
      memPipeline(
        'reg',
        ['id', 'name', 'town'],
        [
          [KEYS[0]!, '甲', 'A'],
          [KEYS[1]!, '乙', 'A'],
        ],
      ),
    );
    await loadPipeline(
      wh,
      memPipeline('ss', ['id', 'name', 'status', 'since'], [[KEYS[0]!, '甲', '参保', '2020-01-01']]),
    );
    await buildFoundation(wh, people, { now: t(1) });
    await loadPipeline(wh, memPipeline('reg', ['id', 'name', 'town'], [[KEYS[0]!, '甲', 'B']]));
    await buildFoundation(wh, people, { now: t(10) });
    await loadPipeline(wh, memPipeline('reg', ['id', 'name', 'town'], [[KEYS[1]!, '乙', 'X']])); // town filtered → NULL
    await buildFoundation(wh, people, { now: t(20) });

    const at = async (d: string) =>
      (
        await wh.all<{ id_number: string; town: string | null }>(`${asOfSql(people, d)} ORDER BY id_number`)
      ).map((r) => [r.id_number, r.town]);
    expect(await at('2025-12-31')).toEqual([]);
    expect(await at('2026-01-05')).toEqual(
      [
        [KEYS[0], 'A'],
        [KEYS[1], 'A'],
      ].sort(),
    );
    expect(await at('2026-01-15')).toEqual(
      [
        [KEYS[0], 'B'],
        [KEYS[1], 'A'],
      ].sort(),
    );
    expect(await at('2026-02-01')).toEqual(
      [
        [KEYS[0], 'B'],
        [KEYS[1], null],
      ].sort(),
    );
    // the same through the table macro
    expect(
      await wh.value<string>(
        `SELECT town FROM foundation.people_as_of(TIMESTAMPTZ '2026-01-05 00:00:00+08') WHERE id_number = $1`,
        [KEYS[0]],
      ),
    ).toBe('A');
    const versions = await wh.all<{ n: number }>(
      'SELECT count(*) AS n FROM foundation.people_history GROUP BY id_number ORDER BY id_number',
    );
    expect(versions.map((v) => v.n).sort()).toEqual([2, 2]);
    wh.close();
  });

  it('converts a foundation stored in the first layout (every version in a history table) and goes on incrementally', async () => {
    const [legacy, current] = [
      await openWarehouse({ path: ':memory:' }),
      await openWarehouse({ path: ':memory:' }),
    ];
    try {
      for (const wh of [legacy, current]) {
        await apply(
          wh,
          {
            ds: 'reg',
            mode: 'merge',
            rows: [
              [0, '甲', 'A'],
              [1, '乙', 'A'],
            ],
          },
          1,
        );
        await apply(wh, { ds: 'ss', mode: 'merge', rows: [[0, '丙', '参保', '2020-01-01']] }, 2);
        await buildFoundation(wh, people, { now: new Date(Date.UTC(2026, 0, 1)) });
        await apply(wh, { ds: 'reg', mode: 'merge', rows: [[0, '甲', 'B']] }, 3);
        await buildFoundation(wh, people, { now: new Date(Date.UTC(2026, 0, 2)) });
      }
      // The first layout: the history a table holding the open versions too, the table without valid_from.
      await legacy.run(
        `CREATE TABLE foundation.people_history_t AS SELECT * FROM foundation.people_history;
         DROP VIEW foundation.people_history; DROP TABLE foundation.people_closed;
         ALTER TABLE foundation.people_history_t RENAME TO people_history;
         ALTER TABLE foundation.people DROP COLUMN valid_from`,
      );
      for (const wh of [legacy, current]) {
        await apply(wh, { ds: 'reg', mode: 'merge', rows: [[1, '丁', 'A']] }, 4);
        const r = await buildFoundation(wh, people, { now: new Date(Date.UTC(2026, 0, 3)) });
        expect(r).toMatchObject({ mode: 'incremental', history: { opened: 1, closed: 1 } });
      }
      expect(await snapshot(legacy)).toEqual(await snapshot(current));
      expect(
        await legacy.value(
          `SELECT table_type FROM information_schema.tables WHERE table_schema = 'foundation' AND table_name = 'people_history'`,
        ),
      ).toBe('VIEW');
    } finally {
      legacy.close();
      current.close();
    }
  });

  it('rewrites a changed definition: unchanged keys keep their version, the others close theirs with the old columns', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    try {
      const t = (d: number) => new Date(Date.UTC(2026, 0, d));
      // KEYS[1] and KEYS[2]: town filtered out (NULL).
      await apply(
        wh,
        {
          ds: 'reg',
          mode: 'merge',
          rows: [
            [0, '甲', 'A'],
            [1, '乙', 'X'],
            [2, '丙', 'X'],
          ],
        },
        1,
      );
      await apply(wh, { ds: 'ss', mode: 'merge', rows: [[1, '乙乙', '参保', '2020-01-01']] }, 2);
      await buildFoundation(wh, people, { now: t(1) });
      // town leaves the definition, alias (ss name) joins it.
      const next = defineFoundation({
        name: 'people',
        key: 'citizen-id',
        fields: {
          name: { source: 'reg', column: 'name' },
          status: { source: 'ss', column: 'status', latest: 'since' },
          alias: { source: 'ss', column: 'name' },
        },
      });
      const r = await buildFoundation(wh, next, { now: t(2) });
      expect(r).toMatchObject({ mode: 'full', reason: 'definition changed' });
      // KEYS[0] had a town (now gone): closed. KEYS[1] gets an alias: closed. KEYS[2] is unchanged: kept.
      expect(r.history).toEqual({ opened: 2, closed: 2 });
      const rows = await wh.all<{ id_number: string; valid_from: Date }>(
        'SELECT id_number, valid_from FROM foundation.people ORDER BY id_number',
      );
      expect(Object.keys((await wh.all('SELECT * FROM foundation.people LIMIT 1'))[0]!)).toEqual([
        'id_number',
        'name',
        'status',
        'alias',
        'valid_from',
      ]);
      const from = new Map(rows.map((x) => [x.id_number, x.valid_from.toISOString()]));
      expect(from.get(KEYS[0]!)).toBe(t(2).toISOString());
      expect(from.get(KEYS[1]!)).toBe(t(2).toISOString());
      expect(from.get(KEYS[2]!)).toBe(t(1).toISOString());
      // The state on day 1, with the column the definition had then.
      const day1 = await wh.all<{ id_number: string; town: string | null; alias: string | null }>(
        `${asOfSql(people, '2026-01-01T12:00:00Z')} ORDER BY id_number`,
      );
      expect(day1.map((x) => [x.id_number, x.town, x.alias])).toEqual(
        [
          [KEYS[0], 'A', null],
          [KEYS[1], null, null],
          [KEYS[2], null, null],
        ].sort(),
      );
      // An incremental build after it goes on from the new definition.
      await apply(wh, { ds: 'reg', mode: 'merge', rows: [[2, '丁', 'B']] }, 3);
      expect(await buildFoundation(wh, next, { now: t(3) })).toMatchObject({
        mode: 'incremental',
        history: { opened: 1, closed: 1 },
      });
      // 3 current versions, 3 closed (two on day 2, one on day 3).
      expect(await wh.value('SELECT count(*) FROM foundation.people_history')).toBe(6);
    } finally {
      wh.close();
    }
  });

  it('keeps closed versions readable when a field changes to a type their values do not convert to', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    try {
      const dated = defineFoundation({
        name: 'people',
        key: 'citizen-id',
        fields: { since: { source: 'reg', column: 'since' } },
      });
      const t = (d: number) => new Date(Date.UTC(2026, 0, d));
      await loadPipeline(wh, memPipeline('reg', ['id', 'since'], [[KEYS[0]!, '2020-01-01']]), { now: t(1) });
      await wh.run('ALTER TABLE reg ALTER COLUMN since TYPE DATE');
      await buildFoundation(wh, dated, { now: t(1) });
      await wh.run(`UPDATE reg SET since = DATE '2021-01-01'`);
      await buildFoundation(wh, dated, { now: t(2), fullRefresh: true }); // closes the 2020 version (DATE)
      await wh.run('ALTER TABLE reg ALTER COLUMN since SET DATA TYPE INTEGER USING 7');
      expect(await buildFoundation(wh, dated, { now: t(3), fullRefresh: true })).toMatchObject({
        mode: 'full',
      });
      expect(
        await wh.value(
          `SELECT data_type FROM duckdb_columns() WHERE table_name = 'people_closed' AND column_name = 'since'`,
        ),
      ).toBe('VARCHAR');
      expect(
        (
          await wh.all<{ since: string }>('SELECT since FROM foundation.people_history ORDER BY valid_from')
        ).map((r) => r.since),
      ).toEqual(['2020-01-01', '2021-01-01', '7']);
    } finally {
      wh.close();
    }
  });

  it('closes the previous rows into a column of a new type when their values do not convert to it', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    try {
      const dated = defineFoundation({
        name: 'people',
        key: 'citizen-id',
        fields: { since: { source: 'reg', column: 'since' } },
      });
      await loadPipeline(wh, memPipeline('reg', ['id', 'since'], [[KEYS[0]!, '2020-01-01']]));
      await wh.run('ALTER TABLE reg ALTER COLUMN since TYPE DATE');
      await buildFoundation(wh, dated, { now: new Date(Date.UTC(2026, 0, 1)) }); // nothing closed yet
      await wh.run('ALTER TABLE reg ALTER COLUMN since SET DATA TYPE INTEGER USING 7');
      const r = await buildFoundation(wh, dated, { now: new Date(Date.UTC(2026, 0, 2)), fullRefresh: true });
      expect(r).toMatchObject({ mode: 'full', history: { opened: 1, closed: 1 } });
      expect(
        (
          await wh.all<{ since: string }>('SELECT since FROM foundation.people_history ORDER BY valid_from')
        ).map((x) => x.since),
      ).toEqual(['2020-01-01', '7']);
    } finally {
      wh.close();
    }
  });

  it('replaces a table of the same name that was not built by gongshu (no versions) as in a first build', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    try {
      await apply(wh, { ds: 'reg', mode: 'merge', rows: [[0, '甲', 'A']] }, 1);
      await apply(wh, { ds: 'ss', mode: 'merge', rows: [[0, '甲', '参保', '2020-01-01']] }, 2);
      await wh.run(
        `CREATE SCHEMA IF NOT EXISTS foundation;
         CREATE TABLE foundation.people AS SELECT 'x' AS id_number, 'someone' AS name`,
      );
      const r = await buildFoundation(wh, people, { now: new Date(Date.UTC(2026, 0, 1)) });
      expect(r).toMatchObject({
        mode: 'full',
        reason: 'first build',
        rows: 1,
        history: { opened: 1, closed: 0 },
      });
      expect(await wh.all('SELECT id_number, name, town, status FROM foundation.people')).toEqual([
        { id_number: KEYS[0], name: '甲', town: 'A', status: '参保' },
      ]);
      expect(await wh.value('SELECT count(*) FROM foundation.people_history')).toBe(1);
    } finally {
      wh.close();
    }
  });
});
