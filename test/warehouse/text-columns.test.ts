import { describe, expect, it } from 'vitest';
import { invalidUtf8Row, openWarehouse, type TextColumn } from '../../warehouse/index.ts';

const values = (t: TextColumn): (string | null)[] =>
  Array.from({ length: t.length }, (_, r) =>
    t.validity && !(t.validity[r >> 3]! & (1 << (r & 7)))
      ? null
      : Buffer.from(t.data.subarray(t.offsets[r]!, t.offsets[r + 1]!)).toString('utf8'),
  );

describe('text columns', () => {
  it('reads typed columns as Arrow Utf8 and appends them back losslessly, NULLs and Chinese included', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    try {
      // 5000 rows: more than two DuckDB vectors, short (inline) and long strings, NULLs in several places.
      await wh.run(`CREATE TABLE src AS SELECT
          i,
          CASE WHEN i % 7 = 0 THEN NULL ELSE '居民' || i END AS name,
          CASE WHEN i % 11 = 0 THEN NULL ELSE '新疆维吾尔自治区乌鲁木齐市天山区幸福路' || i || '号' END AS address,
          CASE WHEN i % 13 = 0 THEN '' ELSE 'x' END AS short,
          CASE WHEN i % 5 = 0 THEN NULL ELSE DATE '1950-01-01' + CAST(i AS INTEGER) END AS born,
          TIMESTAMPTZ '2026-06-30 08:00:00+08' + to_seconds(i) AS seen_at,
          CAST(i * 1.25 AS DECIMAL(12,2)) AS amount,
          CAST(i AS BIGINT) * 1000000007 AS big
        FROM range(5000) t(i)`);
      const cols = ['name', 'address', 'short', 'born', 'seen_at', 'amount', 'big'];
      const text = await wh.textColumns({ from: 'src', where: 'i >= $1', orderBy: 'i' }, cols, [0]);
      expect(text.map((t) => t.length)).toEqual(cols.map(() => 5000));
      expect(text[0]!.nullCount).toBe(715);
      expect(text[2]!.nullCount).toBe(0);
      const expected = await wh.all<Record<string, string | null>>(
        `SELECT ${cols.map((c) => `CAST(${c} AS VARCHAR) AS ${c}`).join(', ')} FROM src ORDER BY i`,
      );
      for (const [k, c] of cols.entries()) expect(values(text[k]!)).toEqual(expected.map((r) => r[c]));
      for (const t of text) expect(invalidUtf8Row(t)).toBe(-1);

      await wh.run(`CREATE TABLE back (${cols.map((c) => `${c} VARCHAR`).join(', ')})`);
      expect(await wh.appendText('back', text)).toBe(5000);
      const same = await wh.value<number>(
        `SELECT count(*) FROM (SELECT row_number() OVER () AS r, * FROM back) b
         JOIN (SELECT row_number() OVER (ORDER BY i) AS r, ${cols.map((c) => `CAST(${c} AS VARCHAR) AS ${c}`).join(', ')} FROM src) s
         ON b.r = s.r AND ${cols.map((c) => `b.${c} IS NOT DISTINCT FROM s.${c}`).join(' AND ')}`,
      );
      expect(same).toBe(5000);
      const typed = await wh.all(
        `SELECT CAST(born AS DATE) = DATE '1950-01-02' AS d, CAST(seen_at AS TIMESTAMPTZ) = TIMESTAMPTZ '2026-06-30 00:00:01+00' AS t,
           CAST(amount AS DECIMAL(12,2)) AS amount, CAST(big AS BIGINT) AS big FROM back LIMIT 1 OFFSET 1`,
      );
      expect(typed).toEqual([{ d: true, t: true, amount: 1.25, big: 1000000007 }]);
    } finally {
      wh.close();
    }
  });

  it('reads an empty selection and INTEGER columns in bulk', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    try {
      const [empty] = await wh.textColumns({ from: 'range(10) t(i)', where: 'i > 100', orderBy: 'i' }, ['i']);
      expect(empty).toMatchObject({ length: 0, nullCount: 0, validity: null });
      expect(empty!.data.length).toBe(0);
      const [a, b] = await wh.int32Columns(
        'SELECT CAST(i AS INTEGER), CAST(CASE WHEN i % 2 = 0 THEN NULL ELSE -i END AS INTEGER) FROM range(3000) t(i) ORDER BY i',
      );
      expect(a!.length).toBe(3000);
      expect(a![2999]).toBe(2999);
      expect([...b!.slice(0, 4)]).toEqual([0, -1, 0, -3]);
      await expect(wh.int32Columns('SELECT 1.5')).rejects.toThrow(/expected INTEGER/);
    } finally {
      wh.close();
    }
  });

  it('reads text that needs CSV quoting (quotes, delimiters, newlines, empty vs NULL) byte for byte', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    try {
      const nasty = [
        '',
        '"',
        '""',
        'a"b',
        'l1\nl2',
        '\r',
        'x\r\ny',
        '\x1f',
        'd\x1fe\x1f',
        '\\',
        'NULL',
        ' ',
        ',;\t',
        '居"民\n',
      ];
      await wh.run('CREATE TABLE n (i INTEGER, s VARCHAR, t VARCHAR)');
      // Every nasty value in both columns, next to NULLs and plain text, over more than one DuckDB vector.
      const rows = Array.from({ length: 3000 }, (_, i) => [
        i,
        i % 5 === 4 ? null : nasty[i % nasty.length]!,
        i % 3 === 0 ? null : `${nasty[(i * 7) % nasty.length]}${i}`,
      ]);
      await wh.append('n', rows);
      const [s, t] = await wh.textColumns({ from: 'n', where: 'i >= $1', orderBy: 'i' }, ['s', 't'], [0]);
      expect(values(s!)).toEqual(rows.map((r) => r[1]));
      expect(values(t!)).toEqual(rows.map((r) => r[2]));
      await wh.run('CREATE TABLE back (s VARCHAR, t VARCHAR)');
      await wh.appendText('back', [s!, t!]);
      expect(
        await wh.value<number>(
          `SELECT count(*) FROM (SELECT row_number() OVER () - 1 AS i, * FROM back) b JOIN n USING (i)
           WHERE b.s IS NOT DISTINCT FROM n.s AND b.t IS NOT DISTINCT FROM n.t`,
        ),
      ).toBe(3000);
    } finally {
      wh.close();
    }
  });

  it('finds values that are not well-formed UTF-8', () => {
    const col = (bytes: number[], offsets: number[]): TextColumn => ({
      length: offsets.length - 1,
      offsets: Int32Array.from(offsets),
      data: Uint8Array.from(bytes),
      validity: null,
      nullCount: 0,
    });
    const ju = [...Buffer.from('居')];
    expect(invalidUtf8Row(col([...ju, 0x61], [0, 3, 4]))).toBe(-1);
    expect(invalidUtf8Row(col([0x61, 0xff], [0, 1, 2]))).toBe(1);
    // Each byte run valid as a whole, but a value boundary splits the character.
    expect(invalidUtf8Row(col(ju, [0, 1, 3]))).toBe(1);
  });
});
