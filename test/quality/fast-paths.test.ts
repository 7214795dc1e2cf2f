import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sexCodeSql } from '../../quality/checks/consistency/sex-code.ts';
import { isBlankValueSql, notInListSql, presentSql } from '../../quality/column-sql.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';

// The compiler's cheap spellings must give exactly what the plain ones give, on every kind of value: every
// character DuckDB's trim strips (the Unicode space separators), tab (which it keeps), CJK, blanks, codes.
const SPACES = [0x20, 0xa0, 0x1680, 0x2000, 0x2005, 0x200a, 0x202f, 0x205f, 0x3000].map((c) =>
  String.fromCodePoint(c),
);
const VALUES = [
  '',
  'a',
  '\t',
  'a\tb',
  '无',
  '-',
  '男',
  '女性',
  'm',
  'Male',
  'FEMALE',
  '1',
  '2',
  '9',
  '汉族',
  'Han',
  '01',
  'x y',
  ...SPACES.flatMap((s) => [s, `${s}a`, `a${s}`, `${s}无${s}`, `${s}男`, `汉族${s}`, `${s}${s}`, `${s}-`]),
];

describe('quality SQL fast paths', () => {
  let wh: Warehouse;
  beforeAll(async () => {
    wh = await openWarehouse({ path: `${tempDir('fast-paths')}/w.duckdb` });
    await wh.run('CREATE TABLE t (v VARCHAR)');
    await wh.run(`INSERT INTO t VALUES (NULL), ${VALUES.map((_, i) => `($${i + 1})`).join(', ')}`, VALUES);
  });
  afterAll(() => wh.close());

  const same = async (fast: string, plain: string) => {
    const rows = await wh.all<{ v: string | null; fast: unknown; plain: unknown }>(
      `SELECT v, ${fast} AS fast, ${plain} AS plain FROM t`,
    );
    expect(rows).toHaveLength(VALUES.length + 1);
    for (const r of rows) expect([r.v, r.fast]).toEqual([r.v, r.plain]);
    return rows;
  };

  it('presentSql ≡ v IS NOT NULL AND trim(v) <> the empty string', async () => {
    const ctx = { columns: new Map([['v', 'VARCHAR']]), dataset: { table: 't' } } as never;
    const rows = await same(presentSql(ctx, 'v'), `(v IS NOT NULL AND trim(v) <> '')`);
    expect(rows.filter((r) => r.fast === false).length).toBeGreaterThan(SPACES.length); // blanks really occur
  });

  it('isBlankValueSql ≡ trim(v) IN (blanks)', async () => {
    const rows = await same(isBlankValueSql(['无', '-'], 'v'), `trim(v) IN ('无', '-')`);
    expect(rows.filter((r) => r.fast === true).length).toBe(2 + 2 * SPACES.length);
  });

  it('notInListSql ≡ NOT list_contains(values, trim(v))', async () => {
    await same(notInListSql(['汉族', 'Han', '01'], 'v'), `NOT list_contains(['汉族', 'Han', '01'], trim(v))`);
  });

  it('sexCodeSql maps the stored spellings first and gives what upper(trim(v)) gives', async () => {
    const t = 'upper(trim(v))';
    await same(
      sexCodeSql('v'),
      `(CASE WHEN ${t} IN ('1', '男', '男性', 'M', 'MALE') THEN '1' WHEN ${t} IN ('2', '女', '女性', 'F', 'FEMALE') THEN '2' END)`,
    );
  });
});
