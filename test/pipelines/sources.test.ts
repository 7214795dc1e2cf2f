import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { excel, folder, parquet } from '../../connectors/index.ts';
import { citizenId, definePipeline, loadPipeline, uscc } from '../../pipelines/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';

describe('sources through the loader', () => {
  it('stages Parquet inside DuckDB with its types and row locations', async () => {
    const dir = tempDir();
    const file = join(dir, 'ent.parquet');
    const wh = await openWarehouse({ path: ':memory:' });
    await wh.run(
      `COPY (SELECT * FROM (VALUES ('91110000600037341L', DATE '2001-02-03', 500.25::DECIMAL(10,2)),
                                   ('91110000600037341N', DATE '2002-03-04', 1.5::DECIMAL(10,2)),
                                   ('91310110666007217T', NULL, NULL)) t(统一社会信用代码, 成立日期, 注册资本))
       TO '${file}' (FORMAT parquet)`,
    );
    const p = definePipeline({
      name: 'ent',
      source: parquet({ path: file }),
      dataset: { name: 'ent', key: uscc('统一社会信用代码') },
    });
    const r = await loadPipeline(wh, p);
    expect(r).toMatchObject({ rowsRead: 3, rowsLoaded: 2, quarantinedByReason: { 'key:checksum': 1 } });
    expect(await wh.all(`SELECT typeof(成立日期) AS d, typeof(注册资本) AS c FROM ent LIMIT 1`)).toEqual([
      { d: 'DATE', c: 'DECIMAL(38,6)' },
    ]);
    expect(await wh.value(`SELECT source_location FROM gongshu.quarantine`)).toBe('ent.parquet#2');
    wh.close();
  });

  it('names the file when a Parquet file is corrupt, and writes nothing', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.parquet');
    writeFileSync(file, 'PAR1 this is not parquet');
    const wh = await openWarehouse({ path: ':memory:' });
    const p = definePipeline({ name: 'x', source: parquet({ path: file }), dataset: { name: 'x' } });
    await expect(loadPipeline(wh, p)).rejects.toThrow(`${file}: cannot read:`);
    expect(await wh.value('SELECT count(*) FROM gongshu.loads')).toBe(0);
    wh.close();
  });

  it('loads a folder drop once per file content, recording the hashes with the rows', async () => {
    const dir = tempDir();
    const drop = join(dir, 'drop');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(drop);
    writeFileSync(join(drop, 'hukou-01.csv'), '身份证号\n11010519491231002X\n');
    writeFileSync(join(drop, 'hukou-02.csv'), '身份证号\n440524188001010014\n360426199101010071\n');
    const wh = await openWarehouse({ path: ':memory:' });
    const p = definePipeline({
      name: 'hukou',
      source: folder({ glob: join(drop, 'hukou-*.csv') }),
      dataset: { name: 'hukou', key: citizenId('身份证号'), writeMode: 'append' },
    });
    expect((await loadPipeline(wh, p)).rowsLoaded).toBe(3);
    // The department re-sends file 01 under a new name, and adds file 03.
    copyFileSync(join(drop, 'hukou-01.csv'), join(drop, 'hukou-01-resent.csv'));
    writeFileSync(join(drop, 'hukou-03.csv'), '身份证号\n44011320141005001X\n');
    const second = await loadPipeline(wh, p);
    expect(second.rowsLoaded).toBe(1);
    expect(second.notes.some((n) => n.includes('already loaded'))).toBe(true);
    expect(await wh.value('SELECT count(*) FROM hukou')).toBe(4);
    expect(await wh.all('SELECT path, rows FROM gongshu.files ORDER BY path')).toEqual([
      { path: join(drop, 'hukou-01.csv'), rows: 1 },
      { path: join(drop, 'hukou-02.csv'), rows: 2 },
      { path: join(drop, 'hukou-03.csv'), rows: 1 },
    ]);
    wh.close();
  });

  it('types Excel date cells as dates', async () => {
    const dir = tempDir();
    const file = join(dir, 'births.xlsx');
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('出生');
    sheet.addRow(['2026年出生医学证明登记表']);
    sheet.mergeCells('A1:C1');
    sheet.addRow(['公民身份号码', '姓名', '出生日期']);
    sheet.addRow(['44011320141005001X', '新生儿', new Date(Date.UTC(2014, 9, 5))]);
    await book.xlsx.writeFile(file);
    const wh = await openWarehouse({ path: ':memory:' });
    const p = definePipeline({
      name: 'births',
      source: excel({ path: file }),
      dataset: { name: 'births', key: citizenId('公民身份号码') },
    });
    await loadPipeline(wh, p);
    expect(
      await wh.all('SELECT typeof(出生日期) AS t, CAST(出生日期 AS VARCHAR) AS d, _source FROM births'),
    ).toEqual([{ t: 'DATE', d: '2014-10-05', _source: 'births.xlsx!出生!3' }]);
    wh.close();
  });
});
