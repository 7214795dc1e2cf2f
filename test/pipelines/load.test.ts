import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { type Connector, csv, type ExtractedBatch } from '../../connectors/index.ts';
import { citizenId, definePipeline, loadPipeline, uscc } from '../../pipelines/index.ts';
import { defineCatalogEntry } from '../../schemas/index.ts';
import { openWarehouse } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';

const HEADER = '公民身份号码,姓名,出生日期,地址';
// Valid: 11010519491231002X, 440524188001010014, 360426199101010071; 15-digit 360426910101007 → 360426199101010071.
const ROWS = [
  '11010519491231002X,张三,1949-12-31,北京市朝阳区',
  '11010519491231002x,张三,1949/12/31,"北京市朝阳区,望京"', // lower-case x: same person, normalised
  '440524188001010014,李四,18800101,"广东省汕头市\r\n某街道"', // embedded CRLF: record spans lines 4-5
  '36042619910102009X,王五,1991-01-02,江西', // bad checksum
  ',赵六,2000-01-01,空', // missing key
  '３６０４２６１９９１０１０１００７１,全角,1991-01-01,江西', // full-width: valid after NFKC
  '360426910101007,旧号,1991-01-01,江西', // 15 digits: upgraded
  '11010519491231002X,张三,not-a-date,北京', // bad date in a typed column
];

function writeGb18030(dir: string, name = 'hukou.csv'): string {
  const path = join(dir, name);
  writeFileSync(path, iconv.encode(`${HEADER}\r\n${ROWS.join('\r\n')}\r\n`, 'gb18030'));
  return path;
}

const catalog = defineCatalogEntry({
  dataset: 'hukou',
  code: '1/01/001/0001',
  name: '户籍人口',
  provider: { name: '公安厅', code: '11650000010000000T' },
  classification: { kind: 'foundation', item: '人口信息' },
  summary: '测试',
  format: 'database',
  fields: [
    { name: 'id_number', title: '公民身份号码', type: 'string', sensitive: true },
    { name: 'name', title: '姓名', type: 'string', sensitive: true },
    { name: 'birth_date', title: '出生日期', type: 'date' },
  ],
  shareType: 'unconditional',
  openType: 'none',
  updateCycle: 'daily',
  publishedAt: '2024-01-01',
  securityGrade: 'general',
  personalInfo: 'sensitive',
});

describe('loadPipeline', () => {
  it('loads a GB18030 CSV keyed by citizen ID, quarantining bad rows with reason and file:line', async () => {
    const dir = tempDir();
    const path = writeGb18030(dir);
    const wh = await openWarehouse({ path: ':memory:' });
    const pipeline = definePipeline({
      name: 'hukou',
      source: csv({ path }),
      dataset: { name: 'hukou', key: citizenId('公民身份号码'), catalog },
    });
    const result = await loadPipeline(wh, pipeline);
    expect(result).toMatchObject({
      rowsRead: 8,
      rowsLoaded: 5,
      rowsQuarantined: 3,
      quarantinedByReason: { 'key:checksum': 1, 'key:missing': 1, 'type:birth_date': 1 },
      duplicateKeyRows: 2,
      keysNormalized: 3,
    });
    const rows = await wh.json(
      `SELECT id_number, name, birth_date, 地址 AS address, _source, _key_original FROM hukou ORDER BY length(_source), _source`,
    );
    expect(rows.rows).toEqual([
      {
        id_number: '11010519491231002X',
        name: '张三',
        birth_date: '1949-12-31',
        address: '北京市朝阳区',
        _source: 'hukou.csv:2',
        _key_original: null,
      },
      {
        id_number: '11010519491231002X',
        name: '张三',
        birth_date: '1949-12-31',
        address: '北京市朝阳区,望京',
        _source: 'hukou.csv:3',
        _key_original: '11010519491231002x',
      },
      {
        id_number: '440524188001010014',
        name: '李四',
        birth_date: '1880-01-01',
        address: '广东省汕头市\r\n某街道',
        _source: 'hukou.csv:4',
        _key_original: null,
      },
      {
        id_number: '360426199101010071',
        name: '全角',
        birth_date: '1991-01-01',
        address: '江西',
        _source: 'hukou.csv:8',
        _key_original: '３６０４２６１９９１０１０１００７１',
      },
      {
        id_number: '360426199101010071',
        name: '旧号',
        birth_date: '1991-01-01',
        address: '江西',
        _source: 'hukou.csv:9',
        _key_original: '360426910101007',
      },
    ]);
    const q = await wh.json(
      `SELECT source_location, reason, key_column, key_value, row_json->>'姓名' AS name FROM gongshu.quarantine ORDER BY length(source_location), source_location`,
    );
    expect(q.rows).toEqual([
      {
        source_location: 'hukou.csv:6',
        reason: 'key:checksum',
        key_column: '公民身份号码',
        key_value: '36042619910102009X',
        name: '王五',
      },
      {
        source_location: 'hukou.csv:7',
        reason: 'key:missing',
        key_column: '公民身份号码',
        key_value: '',
        name: '赵六',
      },
      {
        source_location: 'hukou.csv:10',
        reason: 'type:birth_date',
        key_column: '公民身份号码',
        key_value: '11010519491231002X',
        name: '张三',
      },
    ]);
    const ds = await wh.all(
      `SELECT key_kind, key_column, source_key_column FROM gongshu.datasets WHERE dataset = 'hukou'`,
    );
    expect(ds).toEqual([
      { key_kind: 'citizen-id', key_column: 'id_number', source_key_column: '公民身份号码' },
    ]);
    const ledger = await wh.all(
      `SELECT dataset, connector, status, rows_read, rows_loaded, rows_quarantined FROM gongshu.loads`,
    );
    expect(ledger).toEqual([
      {
        dataset: 'hukou',
        connector: 'csv',
        status: 'committed',
        rows_read: 8,
        rows_loaded: 5,
        rows_quarantined: 3,
      },
    ]);
    wh.close();
  });

  it('keeps the previous table and ledger when a replace load fails mid-way', async () => {
    const dir = tempDir();
    const path = writeGb18030(dir);
    const wh = await openWarehouse({ path: join(dir, 'w.duckdb') });
    const good = definePipeline({
      name: 'hukou',
      source: csv({ path }),
      dataset: { name: 'hukou', key: citizenId('公民身份号码') },
    });
    await loadPipeline(wh, good);
    const failing: Connector = {
      kind: 'test',
      describe: () => ({ kind: 'test', source: 'broken', options: {} }),
      check: async () => ({ ok: true, message: '' }),
      async *extract(): AsyncIterable<ExtractedBatch> {
        yield {
          columns: ['公民身份号码', '姓名'],
          rows: [['11010519491231002X', 'x']],
          locations: ['broken:2'],
        };
        throw new Error('connection reset by department server');
      },
    };
    const bad = definePipeline({
      name: 'hukou',
      source: failing,
      dataset: { name: 'hukou', key: citizenId('公民身份号码') },
    });
    await expect(loadPipeline(wh, bad)).rejects.toThrow('connection reset');
    expect(await wh.value('SELECT count(*) FROM hukou')).toBe(6);
    expect(await wh.value('SELECT count(*) FROM gongshu.loads')).toBe(1);
    expect(await wh.value('SELECT count(*) FROM gongshu.quarantine')).toBe(2);
    wh.close();
  });

  it('appends, adding columns that are new in the source', async () => {
    const dir = tempDir();
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv');
    writeFileSync(a, '统一社会信用代码,名称\n91110000600037341L,甲公司\n');
    writeFileSync(
      b,
      '统一社会信用代码,名称,行业\n91310110666007217T,乙公司,批发\n9111000060003IOZSV,坏,无\n',
    );
    const wh = await openWarehouse({ path: ':memory:' });
    const p = (path: string) =>
      definePipeline({
        name: 'ent',
        source: csv({ path }),
        dataset: { name: 'ent', key: uscc('统一社会信用代码'), writeMode: 'append' },
      });
    await loadPipeline(wh, p(a));
    const r = await loadPipeline(wh, p(b));
    expect(r.quarantinedByReason).toEqual({ 'key:format': 1 });
    expect(
      (await wh.json('SELECT 统一社会信用代码 AS k, 名称 AS n, 行业 AS i FROM ent ORDER BY k')).rows,
    ).toEqual([
      { k: '91110000600037341L', n: '甲公司', i: null },
      { k: '91310110666007217T', n: '乙公司', i: '批发' },
    ]);
    wh.close();
  });

  it('names the file, field, allowed columns and fix when the key column is missing', async () => {
    const dir = tempDir();
    const path = join(dir, 'x.csv');
    writeFileSync(path, '身份证,姓名\n1,2\n');
    const wh = await openWarehouse({ path: ':memory:' });
    const p = definePipeline({
      name: 'x',
      source: csv({ path }),
      dataset: { name: 'x', key: citizenId('公民身份号码') },
    });
    await expect(loadPipeline(wh, p)).rejects.toThrowErrorMatchingInlineSnapshot(
      `[DefinitionError: test/pipelines/load.test.ts: pipeline x: dataset.key.column: expected one of the source columns ["身份证", "姓名"]; got "公民身份号码". Fix: key: citizenId("<the column holding the key>")]`,
    );
    wh.close();
  });
});
