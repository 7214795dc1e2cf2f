import { describe, expect, it } from 'vitest';
import { DefinitionError } from '../../schemas/errors.ts';
import {
  type CatalogEntryInput,
  catalogToRows,
  defineCatalogEntry,
  inferMasking,
  SHARE_TYPE_LABELS,
  ShareType,
  UPDATE_CYCLE_LABELS,
  UpdateCycle,
} from '../../schemas/index.ts';

const FILE = 'examples/xinjiang/catalog.ts';

function hukou(): CatalogEntryInput {
  return {
    dataset: 'hukou',
    code: '1/01/001/0001',
    name: '户籍人口',
    provider: { name: '自治区公安厅', code: '11650000010000000T' },
    classification: { kind: 'foundation', item: '人口信息', heading: '户籍人口' },
    summary: '全区户籍人口基本信息',
    format: 'database',
    fields: [
      { name: 'id_number', title: '公民身份号码', type: 'string', sensitive: true, required: true },
      { name: 'xm', title: '姓名', type: 'string', sensitive: true },
      { name: 'sex', title: '性别', type: 'string' },
      { name: 'birth_date', title: '出生日期', type: 'date' },
      { name: 'lxdh', title: '联系电话', type: 'string', sensitive: true },
      { name: 'hjdz', title: '户籍地址', type: 'string', sensitive: true },
      { name: 'fingerprint_ref', title: '指纹编号', type: 'string', sensitive: true },
      {
        name: 'ethnicity',
        title: '民族',
        type: 'string',
        sensitive: true,
        masking: 'none',
        openType: 'none',
      },
    ],
    shareType: 'conditional',
    shareCondition: '仅向履行人口管理职责的部门共享',
    legalBasis: '《中华人民共和国户口登记条例》第四条',
    openType: 'none',
    updateCycle: 'daily',
    publishedAt: '2024-01-15',
    securityGrade: 'important',
    personalInfo: 'sensitive',
  };
}

const define =
  (patch: Record<string, unknown>, options: { file?: string } = { file: FILE }) =>
  () =>
    defineCatalogEntry({ ...hukou(), ...patch } as CatalogEntryInput, options);

describe('defineCatalogEntry', () => {
  it('fills defaults: masking inferred for sensitive items, per-item share/open types, share mode', () => {
    const e = defineCatalogEntry(hukou(), { file: FILE });
    expect(e.fields.map((f) => [f.name, f.masking, f.shareType, f.openType])).toEqual([
      ['id_number', 'citizen-id', 'conditional', 'none'],
      ['xm', 'name', 'conditional', 'none'],
      ['sex', 'none', 'conditional', 'none'],
      ['birth_date', 'none', 'conditional', 'none'],
      ['lxdh', 'mobile', 'conditional', 'none'],
      ['hjdz', 'address', 'conditional', 'none'],
      ['fingerprint_ref', 'full', 'conditional', 'none'],
      ['ethnicity', 'none', 'conditional', 'none'],
    ]);
    expect(e.fields[2]).toMatchObject({ sensitive: false, required: false });
    expect(e.shareMode).toEqual(['table']);
    expect(e.secret).toBe(false);
    expect(e.relatedCodes).toEqual([]);
    expect(e.extensions).toEqual({});
  });

  it('returns a deeply frozen entry', () => {
    const e = defineCatalogEntry(hukou());
    expect(Object.isFrozen(e)).toBe(true);
    expect(Object.isFrozen(e.fields)).toBe(true);
    expect(Object.isFrozen(e.fields[0])).toBe(true);
    expect(Object.isFrozen(e.provider)).toBe(true);
    expect(() => {
      (e as { name: string }).name = 'x';
    }).toThrow(TypeError);
  });

  it('does not keep references to the input', () => {
    const input = hukou();
    const e = defineCatalogEntry(input);
    (input.fields[0] as { title: string }).title = 'changed';
    expect(e.fields[0]?.title).toBe('公民身份号码');
  });

  it('defaults shareMode to [] for data that is not shared', () => {
    const e = define({ shareType: 'none', shareCondition: undefined })();
    expect(e.shareMode).toEqual([]);
  });

  it('reports a missing required field', () => {
    const { summary: _, ...rest } = hukou();
    expect(() =>
      defineCatalogEntry(rest as CatalogEntryInput, { file: FILE }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[DefinitionError: examples/xinjiang/catalog.ts: dataset hukou (户籍人口): summary: expected a string; got nothing. Fix: add summary: "…" (信息资源摘要: what the data covers)]`,
    );
  });

  it('reports a missing nested field without a file', () => {
    expect(define({ provider: { name: '自治区公安厅' } }, {})).toThrowErrorMatchingInlineSnapshot(
      `[DefinitionError: dataset hukou (户籍人口): provider.code: expected a string; got nothing. Fix: add provider.code: "…" (信息资源提供方代码: the department USCC, or a local organisation code)]`,
    );
  });

  it('reports a bad enum value with the allowed values and the likely one', () => {
    expect(define({ shareType: '有条件共享' })).toThrowErrorMatchingInlineSnapshot(
      `[DefinitionError: examples/xinjiang/catalog.ts: dataset hukou (户籍人口): shareType: expected one of "unconditional", "conditional", "none"; got "有条件共享". Fix: shareType: "conditional"]`,
    );
    expect(define({ updateCycle: 'dayly' })).toThrowErrorMatchingInlineSnapshot(
      `[DefinitionError: examples/xinjiang/catalog.ts: dataset hukou (户籍人口): updateCycle: expected one of "realtime", "daily", "weekly", "monthly", "quarterly", "half-yearly", "yearly", "irregular"; got "dayly". Fix: updateCycle: "daily"]`,
    );
  });

  it('reports conditional sharing without condition and basis', () => {
    expect(define({ shareCondition: undefined, legalBasis: undefined })).toThrowErrorMatchingInlineSnapshot(
      `[DefinitionError: examples/xinjiang/catalog.ts: dataset hukou (户籍人口): shareType "conditional" needs shareCondition and legalBasis (公共数据管理办法 第十九条). Fix: add shareCondition: "…" and legalBasis: "《…》第…条"]`,
    );
    expect(define({ legalBasis: undefined })).toThrowErrorMatchingInlineSnapshot(
      `[DefinitionError: examples/xinjiang/catalog.ts: dataset hukou (户籍人口): shareType "conditional" needs shareCondition and legalBasis (公共数据管理办法 第十九条). Fix: add legalBasis: "《…》第…条"]`,
    );
  });

  it('reports not-shared data without a legal basis', () => {
    expect(
      define({ shareType: 'none', shareCondition: undefined, legalBasis: undefined }),
    ).toThrowErrorMatchingInlineSnapshot(
      `[DefinitionError: examples/xinjiang/catalog.ts: dataset hukou (户籍人口): shareType "none" needs legalBasis: data not shared must cite a law or state rule (公共数据管理办法 第十九条). Fix: add legalBasis: "《…》第…条", or share the data (after desensitisation, 第二十条)]`,
    );
  });

  it('reports conditional opening without a condition', () => {
    expect(define({ openType: 'conditional' })).toThrowErrorMatchingInlineSnapshot(
      `[DefinitionError: examples/xinjiang/catalog.ts: dataset hukou (户籍人口): openType "conditional" needs openCondition (公共数据管理办法 第二十七条). Fix: add openCondition: "…"]`,
    );
  });

  it('refuses a secret dataset', () => {
    expect(define({ secret: true })).toThrowErrorMatchingInlineSnapshot(
      `[DefinitionError: examples/xinjiang/catalog.ts: dataset hukou (户籍人口): a dataset marked secret (涉密) must not be catalogued (公共数据管理办法 第十二条: 不得将涉密数据编入公共数据目录). Fix: remove this entry from the catalog and manage the data under the secrecy rules (第三条)]`,
    );
  });

  it('reports a bad field type, naming the column', () => {
    const fields = hukou().fields.map((f) => (f.name === 'birth_date' ? { ...f, type: 'datetime' } : f));
    expect(define({ fields })).toThrowErrorMatchingInlineSnapshot(
      `[DefinitionError: examples/xinjiang/catalog.ts: dataset hukou (户籍人口): fields[3].type (column birth_date): expected one of "string", "integer", "decimal", "date", "timestamp", "boolean"; got "datetime". Fix: fields[3].type: "timestamp"]`,
    );
  });

  it('reports unknown keys with the likely key', () => {
    expect(define({ sharetype: 'none' })).toThrowErrorMatchingInlineSnapshot(
      `[DefinitionError: examples/xinjiang/catalog.ts: dataset hukou (户籍人口): sharetype: expected a known key; got an unknown key. Fix: rename sharetype to shareType]`,
    );
  });

  it('reports bad formats: date, resource code, provider USCC check character', () => {
    expect(
      define({
        publishedAt: '2024/01/15',
        code: '1 01 001',
        provider: { name: '公安厅', code: '11650000010000000Y' },
      }),
    ).toThrowErrorMatchingInlineSnapshot(`
      [DefinitionError: examples/xinjiang/catalog.ts: dataset hukou (户籍人口): code: expected a resource code of digits and capital letters, parts joined by "/", "-" or "."; got "1 01 001". Fix: code: "1/01/001/0001" (分类码 类/项/目/细目 + 顺序码)
      examples/xinjiang/catalog.ts: dataset hukou (户籍人口): provider.code: "11650000010000000Y" is not a valid USCC: its check character (GB 32100) should be "T". Fix: check the code on the department's licence (with this check character: "11650000010000000T")
      examples/xinjiang/catalog.ts: dataset hukou (户籍人口): publishedAt: expected a date written YYYY-MM-DD; got "2024/01/15". Fix: publishedAt: "2024-01-15"]
    `);
  });

  it('checks per-item share types against the entry, duplicates, sub-levels and open sensitive items', () => {
    const fields = [
      { name: 'a', title: '甲', type: 'string', shareType: 'none' },
      { name: 'a', title: '乙', type: 'string' },
      { name: 'phone', title: '手机号码', type: 'string', sensitive: true, masking: 'none' },
    ];
    expect(
      define({
        fields,
        shareType: 'unconditional',
        openType: 'unconditional',
        securityGrade: 'important',
        generalSubLevel: 'L2',
      }),
    ).toThrowErrorMatchingInlineSnapshot(`
      [DefinitionError: examples/xinjiang/catalog.ts: dataset hukou (户籍人口): generalSubLevel applies only to securityGrade "general"; got securityGrade "important". Fix: remove generalSubLevel, or set securityGrade: "general"
      examples/xinjiang/catalog.ts: dataset hukou (户籍人口): fields[0].shareType (column a): item shareType "none" is stricter than the entry's "unconditional"; data only partly shareable is conditional (第十九条). Fix: set the entry shareType: "conditional" (with shareCondition and legalBasis)
      examples/xinjiang/catalog.ts: dataset hukou (户籍人口): fields[1].name: column "a" is listed twice (fields[0] and fields[1]). Fix: keep one item per column
      examples/xinjiang/catalog.ts: dataset hukou (户籍人口): fields[2].masking (column phone): sensitive item "phone" would be opened unconditionally without masking (第二十条, 第二十六条). Fix: remove masking: "none" (default: "mobile"), or set openType: "none" on the item]
    `);
  });

  it('throws one DefinitionError with structured details', () => {
    try {
      define({ shareType: 'none', shareCondition: undefined, legalBasis: undefined })();
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DefinitionError);
      const d = (error as DefinitionError).details;
      expect(d).toMatchObject({ file: FILE, field: 'legalBasis' });
      expect(String(d.fix)).toContain('legalBasis');
    }
  });
});

describe('inferMasking', () => {
  it.each([
    [{ name: 'id_number', title: '身份证号' }, 'citizen-id'],
    [{ name: 'gmsfhm', title: '公民身份号码' }, 'citizen-id'],
    [{ name: 'zjhm', title: '证件号码' }, 'citizen-id'],
    [{ name: 'tyshxydm', title: '统一社会信用代码' }, 'uscc'],
    [{ name: 'mobile', title: '手机' }, 'mobile'],
    [{ name: 'lxdh', title: '联系电话' }, 'mobile'],
    [{ name: 'gddh', title: '固定电话' }, 'landline'],
    [{ name: 'xm', title: '姓名' }, 'name'],
    [{ name: 'fddbr', title: '法定代表人' }, 'name'],
    [{ name: 'contact', title: '联系人' }, 'name'],
    [{ name: 'home_address', title: '住址' }, 'address'],
    [{ name: 'hjdz', title: '户籍地址' }, 'address'],
    [{ name: 'yhkh', title: '银行卡号' }, 'bank-card'],
    [{ name: 'email', title: '电子邮箱' }, 'email'],
    [{ name: 'diagnosis', title: '诊断结果' }, 'full'],
  ] as const)('%j → %s', (field, kind) => {
    expect(inferMasking(field)).toBe(kind);
  });
});

describe('labels and rows', () => {
  it('labels every enum value', () => {
    expect(Object.keys(SHARE_TYPE_LABELS)).toEqual(ShareType.options);
    expect(Object.keys(UPDATE_CYCLE_LABELS)).toEqual(UpdateCycle.options);
    expect(SHARE_TYPE_LABELS.conditional.zh).toBe('有条件共享');
  });

  it('flattens entries for the catalog listing', () => {
    const e = defineCatalogEntry(hukou());
    expect(catalogToRows([e])).toMatchInlineSnapshot(`
      [
        {
          "classification": "foundation / 人口信息 / 户籍人口",
          "code": "1/01/001/0001",
          "dataset": "hukou",
          "fields": 8,
          "format": "database",
          "name": "户籍人口",
          "open_type": "none",
          "personal_info": "sensitive",
          "provider": "自治区公安厅",
          "provider_code": "11650000010000000T",
          "published_at": "2024-01-15",
          "review_due_at": null,
          "security_grade": "important",
          "sensitive_fields": 6,
          "share_type": "conditional",
          "update_cycle": "daily",
        },
      ]
    `);
    expect(catalogToRows([e], { lang: 'zh' })[0]).toMatchObject({
      share_type: '有条件共享',
      classification: '基础信息资源 / 人口信息 / 户籍人口',
      security_grade: '重要数据',
    });
  });
});
