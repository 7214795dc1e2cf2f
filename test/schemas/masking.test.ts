import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefinitionError, quoteLiteral } from '../../schemas/index.ts';
import {
  MASK_KIND_LABELS,
  MaskKind,
  mask,
  maskAddress,
  maskBankCard,
  maskCitizenId,
  maskEmail,
  maskFull,
  maskIdentifiersIn,
  maskIdentifiersSql,
  maskLandline,
  maskMobile,
  maskName,
  maskSqlExpression,
  maskUscc,
} from '../../schemas/masking.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';

// [kind, input, expected] — the DOMAIN.md §7 examples first, then edge cases.
const EXAMPLES: readonly (readonly [MaskKind, string, string])[] = [
  ['citizen-id', '440401202201011768', '440401********1768'],
  ['citizen-id', '51343620000320711X', '513436********711X'],
  ['citizen-id', '440401220101176', '440401*****1176'],
  ['citizen-id', '4404011768', '**********'],
  ['uscc', '91650100MA77XXXX7Q', '91650100********7Q'],
  ['name', '段正淳', '段**'],
  ['name', '张三', '张*'],
  ['name', '王', '*'],
  ['name', '艾合买提·买买提', '艾***·***'],
  ['name', '古丽娜尔•艾力', '古***•**'],
  ['name', '𠀾𠀾𠀾', '𠀾**'],
  ['name', 'Ahmet', 'A****'],
  ['mobile', '18049531999', '180****1999'],
  ['mobile', '1234567', '*******'],
  ['landline', '09157518479', '0915*****79'],
  ['landline', '0991-1234567', '0991******67'],
  ['address', '北京市海淀区马连洼街道289号', '北京市海淀区马********'],
  ['address', '乌鲁木齐市天山区', '********'],
  ['address', '新疆𠀾𠀾路1号院2号楼3单元', '新疆𠀾𠀾路1********'],
  ['bank-card', '11011111222233333256', '1101 **** **** **** 3256'],
  ['bank-card', '6222021234567890123', '6222 **** **** **** 123'],
  ['bank-card', '6222 0212 3456 7890', '6222 **** **** 7890'],
  ['bank-card', '12345678', '********'],
  ['email', 'duandazhi-jack@gmail.com.cn', 'd*************@gmail.com.cn'],
  ['email', 'a@b.cn', '*@b.cn'],
  ['email', '张三@例子.中国', '张*@例子.中国'],
  ['email', 'a"@"b@x.cn', 'a****@x.cn'],
  ['email', 'not-an-email', '************'],
  ['full', '秘密𠀾', '***'],
];

describe('masking (TS)', () => {
  it.each(EXAMPLES)('%s %j → %j', (kind, input, expected) => {
    expect(mask(kind, input)).toBe(expected);
  });

  it('is null- and empty-safe for every kind', () => {
    for (const kind of MaskKind.options) {
      expect(mask(kind, null)).toBeNull();
      expect(mask(kind, undefined)).toBeNull();
      expect(mask(kind, '')).toBe('');
    }
    expect(maskName(null)).toBeNull();
    expect(maskCitizenId('')).toBe('');
  });

  it('the named functions match the dispatcher', () => {
    expect(maskCitizenId('440401202201011768')).toBe(mask('citizen-id', '440401202201011768'));
    expect(maskUscc('91650100MA77XXXX7Q')).toBe('91650100********7Q');
    expect(maskMobile('18049531999')).toBe('180****1999');
    expect(maskLandline('09157518479')).toBe('0915*****79');
    expect(maskAddress('北京市海淀区马连洼街道289号')).toBe('北京市海淀区马********');
    expect(maskBankCard('11011111222233333256')).toBe('1101 **** **** **** 3256');
    expect(maskEmail('duandazhi-jack@gmail.com.cn')).toBe('d*************@gmail.com.cn');
    expect(maskFull('abc')).toBe('***');
  });

  it('keeps the code-point length (never splits a surrogate pair)', () => {
    const masked = maskName('𠀾𠀾𠀾𠀾');
    expect(Array.from(masked)).toHaveLength(4);
    expect(Buffer.from(masked, 'utf8').toString('utf8')).toBe(masked);
  });

  it('has a label for each kind', () => {
    expect(Object.keys(MASK_KIND_LABELS).sort()).toEqual([...MaskKind.options].sort());
  });
});

describe('masking (DuckDB SQL ≡ TS)', () => {
  let wh: Warehouse;
  beforeAll(async () => {
    wh = await openWarehouse({ path: ':memory:' });
  });
  afterAll(() => wh?.close());

  /** Masks every value with every kind in one SQL query; returns rows of [kind, input, sql result]. */
  async function sqlMaskAll(
    values: readonly (string | null)[],
  ): Promise<[MaskKind, string | null, unknown][]> {
    const rows = values.map((v, i) => `(${i}, ${v === null ? 'NULL' : quoteLiteral(v)})`).join(', ');
    const cols = MaskKind.options.map((k, j) => `${maskSqlExpression(k, 'v')} AS m${j}`).join(', ');
    const result = await wh.all(`SELECT i, ${cols} FROM (VALUES ${rows}) t(i, v) ORDER BY i`);
    return result.flatMap((r, i) =>
      MaskKind.options.map((k, j): [MaskKind, string | null, unknown] => [k, values[i]!, r[`m${j}`]]),
    );
  }

  it('agrees on the example table', async () => {
    const out = await sqlMaskAll(EXAMPLES.map((e) => e[1]));
    for (const [kind, input, sql] of out) expect(sql, `${kind} ${input}`).toBe(mask(kind, input));
    const direct = await wh.all<{ m: string }>(
      `SELECT ${maskSqlExpression('citizen-id', "'440401202201011768'")} AS m`,
    );
    expect(direct[0]?.m).toBe('440401********1768');
  });

  it('agrees on NULL, empty and numeric columns', async () => {
    const out = await sqlMaskAll([null, '', ' ', '@', '·', '艾·']);
    for (const [kind, input, sql] of out)
      expect(sql, `${kind} ${JSON.stringify(input)}`).toBe(mask(kind, input));
    const num = await wh.all<{ m: string }>(
      `SELECT ${maskSqlExpression('mobile', '18049531999::BIGINT')} AS m`,
    );
    expect(num[0]?.m).toBe('180****1999');
  });

  it('agrees on arbitrary strings (property)', async () => {
    const unit = fc.constantFrom(
      ...'0123456789Xx abc-@.·•．\t艾合买提张三',
      '𠀾',
      '😀',
      'é',
      '\u0301',
      "'",
      '\u3000',
    );
    const samples = fc.sample(fc.string({ unit, maxLength: 30 }), { numRuns: 400, seed: 20240607 });
    const out = await sqlMaskAll(samples);
    for (const [kind, input, sql] of out)
      expect(sql, `${kind} ${JSON.stringify(input)}`).toBe(mask(kind, input));
  });
});

describe('identifiers inside free text', () => {
  it.each([
    [
      'json: Unexpected token, "{"id": "11010519491231002X", "n"',
      'json: Unexpected token, "{"id": "110105********002X", "n"',
    ],
    [
      'row 3: 11010519491231002x,张三 and 360426910101007;',
      'row 3: 110105********002x,张三 and 360426*****1007;',
    ],
    ['个体户 92650100MA77XXXX7Q 注册', '个体户 92650100********7Q 注册'],
    ['企业 91650100MA77XXXX7Q, 机关 11650000010000000T', '企业 91650100MA77XXXX7Q, 机关 11650000010000000T'],
    ['two: 11010519491231002X,440524188001010014', 'two: 110105********002X,440524********0014'],
    [
      'not ids: 1101051949123100234 12345678901234 load hukou-20261206071631-d654d8',
      'not ids: 1101051949123100234 12345678901234 load hukou-20261206071631-d654d8',
    ],
    ['sha 3f2a9c0d1b4e5f60718293a4b5c6d7e8', 'sha 3f2a9c0d1b4e5f60718293a4b5c6d7e8'],
    ['全角 １１０１０５１９４９１２３１００２Ｘ,张三', '全角 １１０１０５********００２Ｘ,张三'],
    [
      '分组 110105-19491231-002X 和 110105 19491231 002x',
      '分组 110105-********-002X 和 110105 ******** 002x',
    ],
    ['全角旧号 １１０１０５４９１２３１００２ 登记', '全角旧号 １１０１０５*****１００２ 登记'],
  ])('masks %j', (text, masked) => {
    expect(maskIdentifiersIn(text)).toBe(masked);
  });

  it('masks the same in DuckDB SQL (property)', async () => {
    const wh = await openWarehouse({ path: ':memory:' });
    try {
      const unit = fc.constantFrom(
        ...'0123456789XxAM ,"张０１９Ｘ',
        '11010519491231002X',
        '92650100MA77XXXX7Q',
        '１１０１０５１９４９１２３１００２Ｘ',
        '110105-19491231-002X',
      );
      const samples = fc.sample(fc.string({ unit, maxLength: 12 }), { numRuns: 300, seed: 7 });
      const rows = await wh.all<{ i: number; m: string }>(
        `SELECT i, ${maskIdentifiersSql('v')} AS m FROM (VALUES ${samples.map((s, i) => `(${i}, ${quoteLiteral(s)})`).join(', ')}) t(i, v) ORDER BY i`,
      );
      for (const r of rows) expect(r.m, JSON.stringify(samples[r.i])).toBe(maskIdentifiersIn(samples[r.i]!));
    } finally {
      wh.close();
    }
  });

  it('keeps identity numbers out of error messages', () => {
    expect(new DefinitionError('--key: got 11010519491231002X').message).toBe(
      '--key: got 110105********002X',
    );
  });
});
