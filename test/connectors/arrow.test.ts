import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Bool,
  DateDay,
  Field,
  Float32,
  Float64,
  Int32,
  Int64,
  List,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMillisecond,
  tableFromArrays,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { arrow, type Connector, SourceError } from '../../connectors/index.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gongshu-arrow-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function extractAll(connector: Connector) {
  const out = {
    columns: [] as readonly string[],
    columnTypes: undefined as readonly (string | undefined)[] | undefined,
    rows: [] as (string | null)[][],
    locations: [] as string[],
    batches: 0,
  };
  for await (const batch of connector.extract()) {
    out.columns = batch.columns;
    out.columnTypes = batch.columnTypes;
    out.rows.push(...batch.rows);
    out.locations.push(...batch.locations);
    out.batches++;
  }
  return out;
}

/** Two record batches of typed columns, nulls included. */
function typedTable(): Table {
  const schema = new Schema([
    new Field('身份号码', new Utf8(), true),
    new Field('人数', new Int32(), true),
    new Field('大数', new Int64(), true),
    new Field('金额', new Float64(), true),
    new Field('比例', new Float32(), true),
    new Field('出生日期', new DateDay(), true),
    new Field('办理时间', new TimestampMillisecond(), true),
    new Field('在册', new Bool(), true),
    new Field('标签', new List(new Field('item', new Utf8(), true)), true),
  ]);
  const batch = (rows: {
    id: (string | null)[];
    n: (number | null)[];
    big: (bigint | null)[];
    amount: (number | null)[];
    ratio: (number | null)[];
    born: (Date | null)[];
    at: (Date | null)[];
    ok: (boolean | null)[];
    tags: (string[] | null)[];
  }) => {
    const vectors = [
      vectorFromArray(rows.id, new Utf8()),
      vectorFromArray(rows.n, new Int32()),
      vectorFromArray(rows.big, new Int64()),
      vectorFromArray(rows.amount, new Float64()),
      vectorFromArray(rows.ratio, new Float32()),
      vectorFromArray(rows.born, new DateDay()),
      vectorFromArray(rows.at, new TimestampMillisecond()),
      vectorFromArray(rows.ok, new Bool()),
      vectorFromArray(rows.tags, new List(new Field('item', new Utf8(), true))),
    ];
    const data = makeData({
      type: new Struct(schema.fields),
      length: rows.id.length,
      nullCount: 0,
      children: vectors.map((v) => v.data[0]!),
    });
    return new RecordBatch(schema, data);
  };
  return new Table(schema, [
    batch({
      id: ['650102199001011234', null],
      n: [3, null],
      big: [650102199001011234n, null],
      amount: [123.45, null],
      ratio: [0.1, null],
      born: [new Date(Date.UTC(1990, 0, 1)), null],
      at: [new Date(Date.UTC(2026, 2, 1, 9, 30, 15)), null],
      ok: [true, null],
      tags: [['甲', '乙'], null],
    }),
    batch({
      id: ['650102198502023456'],
      n: [-1],
      big: [-5n],
      amount: [0.1 + 0.2],
      ratio: [2.5],
      born: [new Date(Date.UTC(1985, 1, 2))],
      at: [new Date(Date.UTC(2026, 2, 2, 0, 0, 0, 120))],
      ok: [false],
      tags: [[]],
    }),
  ]);
}

const EXPECTED_ROWS = [
  [
    '650102199001011234',
    '3',
    '650102199001011234',
    '123.45',
    '0.1',
    '1990-01-01',
    '2026-03-01T09:30:15',
    'true',
    '["甲","乙"]',
  ],
  [null, null, null, null, null, null, null, null, null],
  [
    '650102198502023456',
    '-1',
    '-5',
    '0.30000000000000004',
    '2.5',
    '1985-02-02',
    '2026-03-02T00:00:00.120',
    'false',
    '[]',
  ],
];

describe('arrow', () => {
  it.each(['file', 'stream'] as const)(
    'reads an IPC %s with typed columns, batch by batch',
    async (format) => {
      const path = join(dir, `push.${format === 'file' ? 'arrow' : 'arrows'}`);
      await writeFile(path, tableToIPC(typedTable(), format));
      const connector = arrow({ path });
      const out = await extractAll(connector);
      expect(out.columns).toEqual([
        '身份号码',
        '人数',
        '大数',
        '金额',
        '比例',
        '出生日期',
        '办理时间',
        '在册',
        '标签',
      ]);
      expect(out.columnTypes).toEqual([
        'string',
        'integer',
        'integer',
        'decimal',
        'decimal',
        'date',
        'timestamp',
        'boolean',
        'string',
      ]);
      expect(out.rows).toEqual(EXPECTED_ROWS);
      const name = format === 'file' ? 'push.arrow' : 'push.arrows';
      expect(out.locations).toEqual([`${name}#0:0`, `${name}#0:1`, `${name}#1:0`]);
      expect(out.batches).toBe(2);
      expect((await connector.check()).message).toBe(`${path}: readable Arrow IPC ${format}, 9 columns`);
    },
  );

  it('reads a table made with tableFromArrays', async () => {
    const path = join(dir, 'simple.arrow');
    await writeFile(
      path,
      tableToIPC(tableFromArrays({ a: Int32Array.from([1, 2]), b: ['x', 'y'] }), 'stream'),
    );
    const out = await extractAll(arrow({ path }));
    expect(out.rows).toEqual([
      ['1', 'x'],
      ['2', 'y'],
    ]);
  });

  it('refuses a file that is not Arrow IPC, and a missing file', async () => {
    const path = join(dir, 'not.arrow');
    await writeFile(path, 'id,name\n1,x\n');
    const error = await extractAll(arrow({ path })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toContain('not a readable Arrow IPC file or stream');
    expect((await arrow({ path }).check()).ok).toBe(false);
    const missing = await extractAll(arrow({ path: join(dir, 'none.arrow') })).catch((e: unknown) => e);
    expect((missing as Error).message).toContain('file not found. Fix: check arrow({ path })');
  });
});
