import { describe, expect, it } from 'vitest';
import { memory } from '../../connectors/index.ts';
import {
  ContractError,
  citizenId,
  definePipeline,
  loadPipeline,
  type PipelineSpec,
} from '../../pipelines/index.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';

// Valid IDs (checked against the division table): two people, plus one with a bad checksum.
const A = '11010519491231002X';
const B = '440524188001010014';
const C = '360426199101010071';
const BAD = '36042619910102009X';

type Dataset = PipelineSpec['dataset'];

function pipeline(columns: string[], rows: (string | null)[][], dataset: Partial<Dataset> = {}) {
  return definePipeline({
    name: 'people',
    source: memory({ name: 'people.csv', columns, rows }),
    dataset: { name: 'people', key: citizenId('身份证号'), ...dataset },
  });
}

async function table(
  wh: Warehouse,
  sql = 'SELECT * EXCLUDE (_load_id, _ingested_at, _source, _key_original) FROM people ORDER BY ALL',
) {
  return (await wh.json(sql)).rows;
}

describe('write modes', () => {
  it('merge upserts by key: the last row of a key in a load wins, other keys stay', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    await loadPipeline(
      wh,
      pipeline(
        ['身份证号', '姓名'],
        [
          [A, '甲'],
          [B, '乙'],
        ],
        { writeMode: 'merge' },
      ),
    );
    const r = await loadPipeline(
      wh,
      pipeline(
        ['身份证号', '姓名'],
        [
          [B, '乙一'],
          [C, '丙'],
          [B, '乙二'],
          [BAD, '坏'],
        ],
        { writeMode: 'merge' },
      ),
    );
    expect(r).toMatchObject({ rowsRead: 4, rowsLoaded: 2, rowsSuperseded: 1, rowsQuarantined: 1 });
    expect(await table(wh)).toEqual([
      { 身份证号: A, 姓名: '甲' },
      { 身份证号: C, 姓名: '丙' },
      { 身份证号: B, 姓名: '乙二' },
    ]);
    wh.close();
  });

  it('replace swaps in the new rows; append adds them', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    await loadPipeline(wh, pipeline(['身份证号'], [[A], [B]]));
    await loadPipeline(wh, pipeline(['身份证号'], [[C]]));
    expect(await table(wh)).toEqual([{ 身份证号: C }]);
    await loadPipeline(wh, pipeline(['身份证号'], [[A]], { writeMode: 'append' }));
    expect(await table(wh)).toEqual([{ 身份证号: A }, { 身份证号: C }]);
    wh.close();
  });
});

describe('schema contracts', () => {
  const first = () => pipeline(['身份证号', '姓名'], [[A, '甲']], { writeMode: 'append' });
  const changed = (contract: Dataset['contract']) =>
    pipeline(
      ['身份证号', '电话'],
      [
        [B, '13800000000'],
        [C, ''],
      ],
      { writeMode: 'append', contract },
    );

  it('evolve adds the new column, null-fills the removed one and records the drift', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    await loadPipeline(wh, first());
    const r = await loadPipeline(wh, changed('evolve'));
    expect(r.schemaChanges).toEqual([
      { change: 'added', column: '电话', oldType: null, newType: 'VARCHAR', action: 'added-column' },
      { change: 'removed', column: '姓名', oldType: 'VARCHAR', newType: null, action: 'null-filled' },
    ]);
    expect(await table(wh)).toEqual([
      { 身份证号: A, 姓名: '甲', 电话: null },
      { 身份证号: C, 姓名: null, 电话: '' },
      { 身份证号: B, 姓名: null, 电话: '13800000000' },
    ]);
    expect(await wh.value(`SELECT count(*) FROM gongshu.schema_changes WHERE load_id = $1`, [r.loadId])).toBe(
      2,
    );
    wh.close();
  });

  it('freeze rejects the load and writes nothing', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    await loadPipeline(wh, first());
    const error = await loadPipeline(wh, changed('freeze')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect((error as Error).message).toMatchInlineSnapshot(
      `"test/pipelines/write-modes.test.ts: pipeline people: dataset people has contract "freeze" but the source's columns changed: added 电话 (VARCHAR); removed 姓名. Nothing was loaded. Fix: ask the department why the extract changed; to accept it, set contract: "evolve" for one load (or update the catalog entry)"`,
    );
    expect(await table(wh)).toEqual([{ 身份证号: A, 姓名: '甲' }]);
    expect(await wh.value('SELECT count(*) FROM gongshu.loads')).toBe(1);
    wh.close();
  });

  it('discard-row quarantines rows that carry values in new columns and keeps the table shape', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    await loadPipeline(wh, first());
    const r = await loadPipeline(wh, changed('discard-row'));
    expect(r.quarantinedByReason).toEqual({ 'contract:new-column:电话': 1 });
    expect(await table(wh)).toEqual([
      { 身份证号: A, 姓名: '甲' },
      { 身份证号: C, 姓名: null },
    ]);
    wh.close();
  });

  it('discard-value loads the rows without the new values and keeps them in quarantine', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    await loadPipeline(wh, first());
    const r = await loadPipeline(wh, changed('discard-value'));
    expect(r).toMatchObject({ rowsLoaded: 2, rowsQuarantined: 0, valuesDiscarded: 1 });
    expect(await table(wh)).toEqual([
      { 身份证号: A, 姓名: '甲' },
      { 身份证号: C, 姓名: null },
      { 身份证号: B, 姓名: null },
    ]);
    expect(
      (await wh.json(`SELECT reason, row_loaded, row_json->>'电话' AS phone FROM gongshu.quarantine`)).rows,
    ).toEqual([{ reason: 'contract:discarded-value:电话', row_loaded: true, phone: '13800000000' }]);
    wh.close();
  });

  it('casts a retyped column to the table type and quarantines values that do not fit', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    const typed = (rows: (string | null)[][], types: ('string' | 'integer' | undefined)[]) =>
      definePipeline({
        name: 'people',
        source: memory({ name: 'p', columns: ['身份证号', '年龄'], rows, columnTypes: types }),
        dataset: { name: 'people', key: citizenId('身份证号'), writeMode: 'append' },
      });
    await loadPipeline(wh, typed([[A, '75']], [undefined, 'integer']));
    const r = await loadPipeline(
      wh,
      typed(
        [
          [B, '146'],
          [C, '三十五'],
        ],
        [undefined, 'string'],
      ),
    );
    expect(r.schemaChanges).toEqual([
      { change: 'retyped', column: '年龄', oldType: 'BIGINT', newType: 'VARCHAR', action: 'cast' },
    ]);
    expect(r.quarantinedByReason).toEqual({ 'contract:retyped:年龄': 1 });
    expect(await wh.all('SELECT 身份证号, 年龄 FROM people ORDER BY ALL')).toEqual([
      { 身份证号: A, 年龄: 75 },
      { 身份证号: B, 年龄: 146 },
    ]);
    wh.close();
  });
});

describe('incremental cursors', () => {
  const load = (rows: (string | null)[][], incremental: Dataset['incremental']) =>
    definePipeline({
      name: 'people',
      source: memory({
        name: 'api',
        columns: ['身份证号', '更新日期'],
        rows,
        columnTypes: [undefined, 'date'],
      }),
      dataset: { name: 'people', key: citizenId('身份证号'), writeMode: 'append', incremental },
    });

  it('loads only rows after the cursor, re-reads the lag window without duplicating, and commits the cursor', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    const inc = { column: '更新日期', initial: '2026-01-01', lag: 2 };
    const r1 = await loadPipeline(
      wh,
      load(
        [
          [A, '2025-12-31'],
          [B, '2026-03-01'],
          [C, '2026-03-05'],
        ],
        inc,
      ),
    );
    expect(r1).toMatchObject({ rowsLoaded: 2, rowsSkipped: 1, cursor: '2026-03-05' });
    // The next extract re-sends the last days (the lag window) plus new rows, one with no cursor value.
    const r2 = await loadPipeline(
      wh,
      load(
        [
          [C, '2026-03-05'],
          [A, '2026-03-04'],
          [B, '2026-03-06'],
          [A, null],
        ],
        inc,
      ),
    );
    expect(r2).toMatchObject({ rowsLoaded: 2, rowsSkipped: 1, rowsQuarantined: 1, cursor: '2026-03-06' });
    expect(r2.quarantinedByReason).toEqual({ 'cursor:missing': 1 });
    expect(await table(wh, 'SELECT 身份证号, 更新日期 FROM people ORDER BY 更新日期')).toEqual([
      { 身份证号: B, 更新日期: '2026-03-01' },
      { 身份证号: A, 更新日期: '2026-03-04' },
      { 身份证号: C, 更新日期: '2026-03-05' },
      { 身份证号: B, 更新日期: '2026-03-06' },
    ]);
    expect(await wh.all('SELECT value, value_type FROM gongshu.cursors')).toEqual([
      { value: '2026-03-06', value_type: 'DATE' },
    ]);
    wh.close();
  });

  it('leaves the cursor where it was when the load fails', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    const inc = { column: '更新日期' };
    await loadPipeline(wh, load([[A, '2026-03-01']], inc));
    const broken = definePipeline({
      name: 'people',
      source: {
        kind: 'test',
        describe: () => ({ kind: 'test', source: 'broken', options: {} }),
        check: async () => ({ ok: true, message: '' }),
        async *extract() {
          yield {
            columns: ['身份证号', '更新日期'],
            rows: [[B, '2026-04-01']],
            locations: ['broken:1'],
            columnTypes: [undefined, 'date' as const],
          };
          throw new Error('socket hang up');
        },
      },
      dataset: { name: 'people', key: citizenId('身份证号'), writeMode: 'append', incremental: inc },
    });
    await expect(loadPipeline(wh, broken)).rejects.toThrow('socket hang up');
    expect(await wh.value('SELECT value FROM gongshu.cursors')).toBe('2026-03-01');
    expect(await wh.value('SELECT count(*) FROM people')).toBe(1);
    wh.close();
  });
});
