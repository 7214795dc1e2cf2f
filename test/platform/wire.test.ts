import {
  DateDay,
  Field,
  Int32,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { PlatformRejection } from '../../platform/errors.ts';
import { decodeChunk, encodeChunk } from '../../platform/index.ts';
import { encodeStreamChunk } from '../../platform/transport/wire.ts';
import { isFixedType, openWarehouse, type Warehouse } from '../../warehouse/index.ts';

const COLUMNS = [
  { name: 'i', type: 'BIGINT' },
  { name: 'n', type: 'INTEGER' },
  { name: 'name', type: 'VARCHAR' },
  { name: 'born', type: 'DATE' },
  { name: 'seen_at', type: 'TIMESTAMP WITH TIME ZONE' },
  { name: 'local_at', type: 'TIMESTAMP' },
  { name: 'amount', type: 'DECIMAL(12,2)' },
];

/**
 * Reads `src` rows [lo, hi) as the push job does (DuckDB → Parquet → parquet-wasm → Arrow IPC; types other
 * than the fixed ones as text) and encodes them as a chunk.
 */
async function pushedChunk(wh: Warehouse, lo: number, hi: number): Promise<Buffer> {
  const select = COLUMNS.map((c) =>
    isFixedType(c.type) || c.type === 'VARCHAR' ? c.name : `CAST(${c.name} AS VARCHAR) AS ${c.name}`,
  );
  const stream = await wh.arrowStream(
    `SELECT ${select.join(', ')} FROM src WHERE i >= ${lo} AND i < ${hi} ORDER BY i`,
  );
  return encodeStreamChunk({ v: 1 }, COLUMNS, stream.ipc);
}

/** Stores a decoded chunk as the parent does: DuckDB inserts the stream (via Parquet), casting text columns. */
async function store(wh: Warehouse, ipc: Uint8Array): Promise<void> {
  const cast = COLUMNS.map((c) => (isFixedType(c.type) ? c.name : `CAST(${c.name} AS ${c.type})`));
  await wh.insertArrow(ipc, (source) => `INSERT INTO dst SELECT ${cast.join(', ')} FROM ${source}`);
}

describe('wire format: typed columns', () => {
  it('round-trips a pushed chunk: INTEGER, BIGINT, DATE, TIMESTAMP[TZ] natively and text as Utf8, NULLs, Chinese, pre-1970, empty', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    try {
      await wh.run(`SET TimeZone = 'Asia/Shanghai'`);
      await wh.run(`CREATE TABLE src AS SELECT
          CAST(i AS BIGINT) * 1000000007 - 3000000000 AS i,
          CASE WHEN i % 9 = 0 THEN NULL ELSE CAST(i AS INTEGER) - 2500 END AS n,
          CASE WHEN i % 7 = 0 THEN NULL WHEN i % 11 = 0 THEN '' WHEN i % 13 = 0 THEN 'a"b,c' || chr(10) || '维吾尔' ELSE '居民' || i END AS name,
          CASE WHEN i % 5 = 0 THEN NULL ELSE DATE '1900-02-28' + CAST(i * 17 AS INTEGER) END AS born,
          CASE WHEN i % 6 = 0 THEN NULL ELSE TIMESTAMPTZ '1960-06-30 08:00:00.123456+08' + to_seconds(i * 86399) END AS seen_at,
          TIMESTAMP '1969-12-31 23:59:59.999999' + to_microseconds(i) AS local_at,
          CAST(i * 1.25 AS DECIMAL(12,2)) AS amount
        FROM range(5000) t(i)`);
      const ok = (raw: unknown) => raw as { v: number };
      const chunk = decodeChunk(await pushedChunk(wh, -1e15, 1e15), ok);
      expect(chunk.rows).toBe(5000);
      expect(chunk.columns).toEqual(COLUMNS);
      expect(chunk.data.map((d) => ('type' in d ? d.type : 'text'))).toEqual([
        'BIGINT',
        'INTEGER',
        'text',
        'DATE',
        'TIMESTAMP WITH TIME ZONE',
        'TIMESTAMP',
        'text',
      ]);
      await wh.run(`CREATE TABLE dst AS SELECT * FROM src LIMIT 0`);
      await store(wh, chunk.ipc);
      expect(await wh.value<number>('SELECT count(*) FROM dst')).toBe(5000);
      const diff = `SELECT count(*) FROM ((SELECT * FROM src EXCEPT ALL SELECT * FROM dst) UNION ALL (SELECT * FROM dst EXCEPT ALL SELECT * FROM src))`;
      expect(await wh.value<number>(diff)).toBe(0);
      expect(await wh.value<number>('SELECT count(*) FROM dst WHERE born IS NULL')).toBe(1000);
      expect(
        await wh.value<number>(`SELECT count(*) FROM dst WHERE born < DATE '1970-01-01'`),
      ).toBeGreaterThan(1000);

      // The JS values (backflow's view) read back through CAST to the same values.
      const values = chunk.values;
      await wh.run(`CREATE TABLE js (${COLUMNS.map((c) => `${c.name} VARCHAR`).join(', ')})`);
      await wh.append(
        'js',
        Array.from({ length: chunk.rows }, (_, r) => values.map((v) => v[r] ?? null)),
      );
      const cast = COLUMNS.map((c) => `CAST(${c.name} AS ${c.type})`).join(', ');
      expect(
        await wh.value<number>(`SELECT count(*) FROM (SELECT * FROM src EXCEPT ALL SELECT ${cast} FROM js)`),
      ).toBe(0);

      // An empty chunk keeps its columns and types.
      const empty = decodeChunk(await pushedChunk(wh, 1e16, 1e16 + 1), ok);
      expect(empty.rows).toBe(0);
      expect(empty.columns).toEqual(COLUMNS);
      await store(wh, empty.ipc);
      expect(await wh.value<number>('SELECT count(*) FROM dst')).toBe(5000);
    } finally {
      wh.close();
    }
  });

  it('refuses a typed column whose Arrow type does not match its declared DuckDB type, or is short of rows', () => {
    const encode = (fields: Field[], children: ReturnType<typeof makeData>[], rows: number) => {
      const schema = new Schema(fields, new Map([['gongshu:header', '{"v":1}']]));
      const data = makeData({ type: new Struct(fields), length: rows, nullCount: 0, children });
      return Buffer.from(tableToIPC(new Table([new RecordBatch(schema, data)]), 'stream'));
    };
    const typed = (type: string, arrow: Int32 | DateDay) =>
      encode(
        [new Field('x', arrow, true, new Map([['gongshu:type', type]]))],
        [makeData({ type: arrow as Int32, length: 2, nullCount: 0, data: new Int32Array([1, 2]) })],
        2,
      );
    const refused = (body: Buffer) => {
      try {
        decodeChunk(body, (h) => h);
      } catch (error) {
        expect(error).toBeInstanceOf(PlatformRejection);
        return (error as PlatformRejection).message;
      }
      throw new Error('accepted');
    };
    expect(decodeChunk(typed('DATE', new DateDay()), (h) => h).values).toEqual([
      ['1970-01-02', '1970-01-03'],
    ]);
    expect(refused(typed('DATE', new Int32()))).toMatch(/column "x": expected .*Date32.*got Int32 "DATE"/);
    expect(refused(typed('VARCHAR', new DateDay()))).toMatch(/got Date32<DAY> "VARCHAR"/);
    expect(refused(typed('BIGINT', new Int32()))).toMatch(/got Int32 "BIGINT"/);
    expect(refused(typed('DATE; DROP TABLE t', new DateDay()))).toMatch(/expected a unique column/);
    // Five rows declared, one value present (its buffer padded to two).
    const short = encode(
      [new Field('x', new Int32(), true, new Map([['gongshu:type', 'INTEGER']]))],
      [makeData({ type: new Int32(), length: 5, nullCount: 0, data: new Int32Array([7]) })],
      5,
    );
    expect(() => decodeChunk(short, (h) => h)).toThrow(PlatformRejection);
    // Text declared as DATE still travels as Utf8 (what backflow sends).
    const asText = encodeChunk({ v: 1 }, [{ name: 'd', type: 'DATE' }], [['1949-10-01', null]]);
    expect(decodeChunk(asText, (h) => h).values).toEqual([['1949-10-01', null]]);
  });
});
