/** A small hand-made warehouse for rule tests: people (with known defects), a registry, two loads. */
import { memory } from '../../connectors/index.ts';
import { citizenId, definePipeline, loadPipeline } from '../../pipelines/index.ts';
import { citizenIdCheckChar, defineCatalogEntry } from '../../schemas/index.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';

/** A valid citizen ID from a 17-digit body. */
export const cid = (body: string) => body + citizenIdCheckChar(body);

export const ID = {
  a: cid('11010519800101001'), // male
  b: cid('11010519900215002'), // female
  c: cid('11010519850505003'), // male, written 女 → sex mismatch
  d: cid('11010519700707004'), // female, birth date written 1970-07-08 → mismatch
  e: cid('11010520000101005'), // male, ethnicity 火星族, name 无
  f: cid('11010519950303006'), // female, empty name, codes instead of labels
  g: cid('11010519600606007'), // male, stale update, bad mobile, bad event text
};

const catalog = defineCatalogEntry({
  dataset: 'people',
  code: '9/99/001/0001',
  name: '测试人口',
  provider: { name: '测试局', code: 'TEST-01' },
  classification: { kind: 'department', item: '测试' },
  summary: '规则测试数据',
  format: 'database',
  fields: [
    { name: 'id_number', title: '公民身份号码', type: 'string', sensitive: true, required: true },
    { name: 'name', title: '姓名', type: 'string', sensitive: true, required: true },
    { name: 'sex', title: '性别', type: 'string', required: true },
    { name: 'birth_date', title: '出生日期', type: 'date', required: true },
    { name: 'ethnicity', title: '民族', type: 'string' },
    { name: 'mobile', title: '联系电话', type: 'string', sensitive: true },
    { name: 'updated_on', title: '更新日期', type: 'date' },
    { name: 'event_text', title: '事件日期文本', type: 'string' },
    { name: 'score', title: '分值', type: 'integer' },
  ],
  shareType: 'unconditional',
  openType: 'none',
  updateCycle: 'daily',
  publishedAt: '2024-01-01',
  securityGrade: 'general',
  personalInfo: 'sensitive',
});

const COLUMNS = [
  '公民身份号码',
  '姓名',
  '性别',
  '出生日期',
  '民族',
  '联系电话',
  '更新日期',
  '事件日期文本',
  '分值',
];

/** Rows of the first load: 10 read, 2 quarantined (missing key, checksum), 1 duplicate key. */
export const ROWS: (string | null)[][] = [
  [ID.a, '张三', '男', '1980-01-01', '汉族', '13800000001', '2026-11-20', '2024-01-05', '10'],
  [ID.b, '李四', '女', '1990-02-15', '维吾尔族', '13800000002', '2026-11-21', '2024-02-05', '20'],
  [ID.c, '王五', '女', '1985-05-05', '汉族', '13800000003', '2026-11-22', '2024-04-05', '30'],
  [ID.d, '赵六', '女', '1970-07-08', '回族', '13800000004', '2026-11-23', '2024-05-05', '40'],
  [ID.e, '无', '男', '2000-01-01', '火星族', '13800000005', '2026-11-24', '2024-06-05', '50'],
  [ID.f, '', '2', '1995-03-03', '05', '13800000006', '2026-11-25', '2024-07-05', '60'],
  [ID.a, '张三', '男', '1980-01-01', '汉族', '13800000001', '2026-11-20', '2024-08-05', '70'],
  [ID.g, '孙七', '男', '1960-06-06', '汉族', 'abc', '2010-01-01', '2024-13-45', '80'],
  [`${ID.a.slice(0, 17)}${ID.a[17] === '0' ? '1' : '0'}`, '坏号', '男', '1980-01-01', '汉族', '', '', '', ''],
  ['', '无号', '男', '1980-01-01', '汉族', '', '', '', ''],
];

/** Builds the warehouse: `people` (replace load of ROWS, then an append of one row) and `registry`. */
export async function buildFixture(path = ':memory:'): Promise<Warehouse> {
  const wh = await openWarehouse({ path });
  const people = (rows: (string | null)[][], writeMode: 'replace' | 'append', name: string) =>
    definePipeline({
      name: `people_${writeMode}`,
      source: memory({ name, columns: COLUMNS, rows }),
      dataset: { name: 'people', key: citizenId('公民身份号码'), catalog, writeMode },
    });
  await loadPipeline(wh, people(ROWS, 'replace', 'first.csv'), { now: new Date('2026-11-28T02:00:00Z') });
  await loadPipeline(
    wh,
    people(
      [
        [
          cid('11010519880808017'),
          '周八',
          '男',
          '1988-08-08',
          '汉族',
          '13800000008',
          '2026-11-28',
          '2024-09-05',
          '90',
        ],
      ],
      'append',
      'second.csv',
    ),
    { now: new Date('2026-11-29T02:00:00Z') },
  );
  await loadPipeline(
    wh,
    definePipeline({
      name: 'registry',
      source: memory({
        name: 'registry.csv',
        columns: ['公民身份号码', 'name', 'sex'],
        rows: [
          [ID.a, '张三', '1'],
          [ID.b, '李四四', '2'],
        ],
      }),
      dataset: { name: 'registry', key: citizenId('公民身份号码') },
    }),
  );
  return wh;
}
