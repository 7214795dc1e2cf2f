/**
 * The catalog entry (政务信息资源目录 / 公共数据目录) per the 2017 national compiling guide (发改高技〔2017〕1272号)
 * and the core metadata of GB/T 21063.3, with the sharing/opening rules of the public-data measures and the
 * grading of GB/T 43697-2024. `defineCatalogEntry` parses once and returns a deeply frozen entry.
 */

import { z } from 'zod';
import { USCC_CHARSET, usccCheckChar } from './checksums.ts';
import { DefinitionError, definitionMessage } from './errors.ts';
import { deepFreeze } from './freeze.ts';
import { MaskKind } from './masking.ts';

/** Chinese and English labels of an enum's values. */
export type Labels<T extends string> = Readonly<Record<T, { readonly zh: string; readonly en: string }>>;

/** 共享类型 (第十九条): 无条件共享 / 有条件共享 / 不予共享. */
export const ShareType = z
  .enum(['unconditional', 'conditional', 'none'])
  .meta({ description: '共享类型: unconditional 无条件共享, conditional 有条件共享, none 不予共享' });
/** A share type. */
export type ShareType = z.output<typeof ShareType>;
/** Labels of the share types. */
export const SHARE_TYPE_LABELS: Labels<ShareType> = Object.freeze({
  unconditional: { zh: '无条件共享', en: 'shared unconditionally' },
  conditional: { zh: '有条件共享', en: 'shared on conditions' },
  none: { zh: '不予共享', en: 'not shared' },
});

/** 开放类型 (第二十六条): 无条件开放 / 有条件开放 / 非开放. */
export const OpenType = z
  .enum(['unconditional', 'conditional', 'none'])
  .meta({ description: '开放类型: unconditional 无条件开放, conditional 有条件开放, none 非开放' });
/** An open type. */
export type OpenType = z.output<typeof OpenType>;
/** Labels of the open types. */
export const OPEN_TYPE_LABELS: Labels<OpenType> = Object.freeze({
  unconditional: { zh: '无条件开放', en: 'open unconditionally' },
  conditional: { zh: '有条件开放', en: 'open on conditions' },
  none: { zh: '非开放', en: 'not open' },
});

/** 共享方式 (第二十二条): 实时数据库表 / 服务接口 / 文件 / 线下. */
export const ShareMode = z.enum(['table', 'api', 'file', 'offline']).meta({
  description: '共享方式: table 实时数据库表, api 服务接口, file 文件(夹), offline 线下 (needs 报备)',
});
/** A share mode. */
export type ShareMode = z.output<typeof ShareMode>;
/** Labels of the share modes. */
export const SHARE_MODE_LABELS: Labels<ShareMode> = Object.freeze({
  table: { zh: '实时数据库表', en: 'database table' },
  api: { zh: '服务接口', en: 'service API' },
  file: { zh: '文件', en: 'file' },
  offline: { zh: '线下', en: 'offline' },
});

/** 更新周期. */
export const UpdateCycle = z
  .enum(['realtime', 'daily', 'weekly', 'monthly', 'quarterly', 'half-yearly', 'yearly', 'irregular'])
  .meta({ description: '更新周期: realtime 实时 … yearly 每年, irregular 不定期' });
/** An update cycle. */
export type UpdateCycle = z.output<typeof UpdateCycle>;
/** Labels of the update cycles. */
export const UPDATE_CYCLE_LABELS: Labels<UpdateCycle> = Object.freeze({
  realtime: { zh: '实时', en: 'real time' },
  daily: { zh: '每日', en: 'daily' },
  weekly: { zh: '每周', en: 'weekly' },
  monthly: { zh: '每月', en: 'monthly' },
  quarterly: { zh: '每季度', en: 'quarterly' },
  'half-yearly': { zh: '每半年', en: 'half-yearly' },
  yearly: { zh: '每年', en: 'yearly' },
  irregular: { zh: '不定期', en: 'irregular' },
});
/**
 * Suggested maximum age in days of the newest data for each cycle, the default for timeliness checks
 * (a cycle plus slack for month/quarter lengths); null for irregular, which has no default.
 */
export const UPDATE_CYCLE_MAX_AGE_DAYS: Readonly<Record<UpdateCycle, number | null>> = Object.freeze({
  realtime: 1,
  daily: 1,
  weekly: 7,
  monthly: 31,
  quarterly: 92,
  'half-yearly': 184,
  yearly: 366,
  irregular: null,
});

/** 信息资源格式 (format class; drives which share modes make sense). */
export const ResourceFormat = z.enum(['database', 'spreadsheet', 'file', 'api', 'image', 'stream']).meta({
  description: '信息资源格式: database 数据库, spreadsheet 电子表格, file 电子文件, api 接口, image, stream',
});
/** A resource format. */
export type ResourceFormat = z.output<typeof ResourceFormat>;
/** Labels of the resource formats. */
export const RESOURCE_FORMAT_LABELS: Labels<ResourceFormat> = Object.freeze({
  database: { zh: '数据库', en: 'database' },
  spreadsheet: { zh: '电子表格', en: 'spreadsheet' },
  file: { zh: '电子文件', en: 'electronic file' },
  api: { zh: '服务接口', en: 'service API' },
  image: { zh: '图形图像', en: 'graphics and images' },
  stream: { zh: '流媒体', en: 'streaming media' },
});

/** 资源属性分类 (类): 基础 / 主题 / 部门 信息资源目录. */
export const CatalogKind = z
  .enum(['foundation', 'theme', 'department'])
  .meta({ description: '类: foundation 基础信息资源, theme 主题信息资源, department 部门信息资源' });
/** A catalog kind. */
export type CatalogKind = z.output<typeof CatalogKind>;
/** Labels of the catalog kinds. */
export const CATALOG_KIND_LABELS: Labels<CatalogKind> = Object.freeze({
  foundation: { zh: '基础信息资源', en: 'foundation resource' },
  theme: { zh: '主题信息资源', en: 'theme resource' },
  department: { zh: '部门信息资源', en: 'department resource' },
});

/** 数据级别 (GB/T 43697-2024): 核心 / 重要 / 一般. */
export const SecurityGrade = z
  .enum(['core', 'important', 'general'])
  .meta({ description: 'GB/T 43697-2024 grade: core 核心数据, important 重要数据, general 一般数据' });
/** A security grade. */
export type SecurityGrade = z.output<typeof SecurityGrade>;
/** Labels of the security grades. */
export const SECURITY_GRADE_LABELS: Labels<SecurityGrade> = Object.freeze({
  core: { zh: '核心数据', en: 'core data' },
  important: { zh: '重要数据', en: 'important data' },
  general: { zh: '一般数据', en: 'general data' },
});

/** Sub-level of general data (provincial practice, e.g. DB33/T 2350-2021: L1 不敏感 … L4 敏感). */
export const GeneralSubLevel = z.enum(['L1', 'L2', 'L3', 'L4']).meta({
  description: 'sub-level of general data: L1 不敏感, L2 低敏感, L3 较敏感, L4 敏感 (DB33/T 2350-2021)',
});
/** A general-data sub-level. */
export type GeneralSubLevel = z.output<typeof GeneralSubLevel>;
/** Labels of the general-data sub-levels. */
export const GENERAL_SUB_LEVEL_LABELS: Labels<GeneralSubLevel> = Object.freeze({
  L1: { zh: '不敏感数据', en: 'not sensitive' },
  L2: { zh: '低敏感数据', en: 'low sensitivity' },
  L3: { zh: '较敏感数据', en: 'moderately sensitive' },
  L4: { zh: '敏感数据', en: 'sensitive' },
});

/** Personal-information class (GB/T 35273-2020, PIPL): none / 个人信息 / 敏感个人信息. */
export const PersonalInfoClass = z
  .enum(['none', 'general', 'sensitive'])
  .meta({ description: 'personal information: none, general 个人信息, sensitive 敏感个人信息' });
/** A personal-information class. */
export type PersonalInfoClass = z.output<typeof PersonalInfoClass>;
/** Labels of the personal-information classes. */
export const PERSONAL_INFO_LABELS: Labels<PersonalInfoClass> = Object.freeze({
  none: { zh: '不含个人信息', en: 'no personal information' },
  general: { zh: '个人信息', en: 'personal information' },
  sensitive: { zh: '敏感个人信息', en: 'sensitive personal information' },
});

/** 信息项数据类型. */
export const FieldType = z
  .enum(['string', 'integer', 'decimal', 'date', 'timestamp', 'boolean'])
  .meta({ description: '数据类型: string, integer, decimal, date, timestamp, boolean' });
/** A data-item type. */
export type FieldType = z.output<typeof FieldType>;
/** Labels of the data-item types. */
export const FIELD_TYPE_LABELS: Labels<FieldType> = Object.freeze({
  string: { zh: '字符型', en: 'string' },
  integer: { zh: '整数型', en: 'integer' },
  decimal: { zh: '数值型', en: 'decimal' },
  date: { zh: '日期型', en: 'date' },
  timestamp: { zh: '日期时间型', en: 'timestamp' },
  boolean: { zh: '布尔型', en: 'boolean' },
});
// SQL and everyday spellings → FieldType, used only to suggest a fix.
const FIELD_TYPE_ALIASES: Readonly<Record<string, FieldType>> = {
  varchar: 'string',
  char: 'string',
  text: 'string',
  str: 'string',
  int: 'integer',
  bigint: 'integer',
  smallint: 'integer',
  number: 'decimal',
  numeric: 'decimal',
  double: 'decimal',
  float: 'decimal',
  datetime: 'timestamp',
  bool: 'boolean',
};

/** How a data item is masked for display: a MaskKind, or `none`. */
export const FieldMasking = z
  .enum([...MaskKind.options, 'none'])
  .meta({ description: 'display masking of the item: a masking rule (citizen-id, mobile, name, …) or none' });
/** A data item's masking. */
export type FieldMasking = z.output<typeof FieldMasking>;

/** Who an output goes to: a sharing request (共享), backflow to a lower level (回流), or the public (开放). */
export const OutputAudience = z.enum(['share', 'backflow', 'open']).meta({
  description:
    'output audience: share 共享 (a granted request), backflow 回流 (to a lower level), open 开放 (the public)',
});
/** An output audience. */
export type OutputAudience = z.output<typeof OutputAudience>;

/**
 * What an output does with a data item (第二十条、第二十六条): `clear` keeps it, `drop` leaves it out, `mask`
 * applies the item's masking (`full` when it has none), `pseudonymize` replaces it by a keyed HMAC-SM3 token
 * (same value, same token, per audience key), `generalize` coarsens it (date → year-month, division code →
 * prefecture, age → 5-year band).
 */
export const OutputAction = z.enum(['clear', 'drop', 'mask', 'pseudonymize', 'generalize']).meta({
  description: 'output action: clear, drop, mask, pseudonymize (HMAC-SM3 token) or generalize',
});
/** An output action. */
export type OutputAction = z.output<typeof OutputAction>;

/** How `generalize` coarsens an item. */
export type Generalization = 'month' | 'prefecture' | 'age-band';

/**
 * How an item can be generalised, from its type, name and title: dates and timestamps to year-month, division
 * codes (division, xzqh, 行政区划, 区划) to their prefecture, ages (age, nl, 年龄) to 5-year bands; otherwise
 * undefined (generalize does not apply).
 */
export function generalizationOf(field: {
  name: string;
  title: string;
  type: string;
}): Generalization | undefined {
  if (field.type === 'date' || field.type === 'timestamp') return 'month';
  const names = [field.name.toLowerCase(), field.title];
  if (names.some((n) => /division|xzqh|qhdm|行政区划|区划/.test(n))) return 'prefecture';
  if (names.some((n) => /(^|_)(age|nl)($|_)|年龄/.test(n))) return 'age-band';
  return undefined;
}

const text = (description: string) => z.string().trim().min(1).meta({ description });
const isoDate = (description: string) =>
  z.iso.date({ error: 'a date written YYYY-MM-DD' }).meta({ description });

/** Resource code: 分类码 + 顺序码, digits and capitals, parts optionally joined by `/`, `-` or `.`. */
const ResourceCode = z
  .string()
  .regex(/^[0-9A-Z]+([./-][0-9A-Z]+)*$/, {
    error: 'a resource code of digits and capital letters, parts joined by "/", "-" or "."',
  })
  .meta({ description: '信息资源代码: 分类码 (类/项/目/细目) + 顺序码, e.g. "1/01/001/0001"' });

// An 18-character code made only of USCC characters is taken to be a USCC and must carry its check character.
const usccCheckOk = (code: string): boolean =>
  code.length !== 18 ||
  ![...code].every((c) => USCC_CHARSET.includes(c)) ||
  usccCheckChar(code.slice(0, 17)) === code[17];

/** 信息资源提供方: the providing department and its code. */
export const Provider = z.strictObject({
  name: text('信息资源提供方: the providing department, e.g. "自治区公安厅"'),
  code: z
    .string()
    .regex(/^[0-9A-Z][0-9A-Z-]{1,29}$/, {
      error: 'the department USCC (18 characters) or a local organisation code of digits and capitals',
    })
    .superRefine((code, ctx) => {
      if (usccCheckOk(code)) return;
      const right = code.slice(0, 17) + usccCheckChar(code.slice(0, 17));
      ctx.addIssue({
        code: 'custom',
        message: `"${code}" is not a valid USCC: its check character (GB 32100) should be "${right[17]}"`,
        params: { fix: `check the code on the department's licence (with this check character: "${right}")` },
      });
    })
    .meta({ description: '信息资源提供方代码: the department USCC, or a local organisation code' }),
});

/** 信息资源分类: 类 (kind) / 项 / 目 / 细目. */
export const Classification = z.strictObject({
  kind: CatalogKind,
  item: text('项: e.g. "人口信息" (foundation), "社会保障" (theme), or the department business area'),
  heading: text('目, e.g. "户籍人口"').optional(),
  subheading: text('细目').optional(),
});

/** A data item (信息项) of a catalog entry. */
export const CatalogField = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
      error: 'a column name of letters, digits and "_", not starting with a digit (e.g. "id_number")',
    })
    .meta({ description: 'column name in the dataset table, e.g. "id_number"' }),
  title: text('信息项名称, e.g. "公民身份号码"'),
  type: FieldType,
  sensitive: z
    .boolean()
    .default(false)
    .meta({ description: '敏感属性; sensitive items are masked by default' }),
  masking: FieldMasking.optional().meta({
    description: 'display masking; defaults to one inferred from name/title when sensitive, else none',
  }),
  required: z.boolean().default(false).meta({ description: 'the item must not be empty; defaults to false' }),
  shareType: ShareType.optional().meta({ description: 'per-item 共享类型; defaults to the entry shareType' }),
  openType: OpenType.optional().meta({ description: 'per-item 开放类型; defaults to the entry openType' }),
  outputs: z
    .strictObject({ share: OutputAction, backflow: OutputAction, open: OutputAction })
    .partial()
    .optional()
    .meta({
      description:
        'per-audience output action, e.g. { open: "drop", share: "pseudonymize" }; defaults: sensitive items mask for open and stay clear for share and backflow, other items clear',
    }),
  description: z.string().optional().meta({ description: 'free text about the item' }),
});

const MASKING_RULES: readonly (readonly [MaskKind, RegExp])[] = [
  ['citizen-id', /id_?(card|no|num|number)|citizen|sfzh?|gmsfhm|zjhm|身份证号|公民身份号码|证件号/],
  ['uscc', /uscc|credit_?code|tyshxydm|信用代码/],
  ['bank-card', /bank|card_?(no|num)|account_?(no|num)|yhkh|银行卡|卡号|账号|帐号/],
  ['email', /e_?mail|dzyx|邮箱|电子邮件/],
  ['landline', /landline|gddh|座机|固定电话|固话|办公电话/],
  ['mobile', /mobile|phone|tel|sjh|lxdh|手机|电话|联系方式/],
  ['address', /addr|dz$|zz$|住址|地址|居住地|户籍地/],
  ['name', /(^|_)(name|xm|fddbr)($|_)|姓名|名字|联系人|法定代表人|负责人|户主/],
];

/**
 * The default masking of a sensitive data item, inferred from its column name and title (first match wins):
 * citizen-id (id_number, sfzh, 身份证号, 证件号), uscc (信用代码), bank-card (卡号, 账号), email (邮箱),
 * landline (座机, 固定电话), mobile (phone, 手机, 电话), address (地址, 住址), name (name, xm, 姓名, 联系人,
 * 法定代表人), otherwise `full`. Example: `{ name: 'lxdh', title: '联系电话' }` → `mobile`.
 */
export function inferMasking(field: { name: string; title: string }): MaskKind {
  const names = [field.name.toLowerCase(), field.title];
  for (const [kind, re] of MASKING_RULES) if (names.some((n) => re.test(n))) return kind;
  return 'full';
}

const SHARE_RANK: Readonly<Record<ShareType, number>> = { unconditional: 0, conditional: 1, none: 2 };

/** The catalog entry as written in code (before defaults). */
const CatalogEntryObject = z.strictObject({
  dataset: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, { error: 'a dataset name of lower-case letters, digits and "_"' })
    .optional()
    .meta({ description: 'the pipeline dataset (table) this entry describes, e.g. "hukou"' }),
  code: ResourceCode,
  name: text('信息资源名称, e.g. "户籍人口信息"'),
  provider: Provider,
  classification: Classification,
  summary: text('信息资源摘要: what the data covers'),
  format: ResourceFormat,
  fields: z.array(CatalogField).min(1).meta({ description: '信息项: the data items, at least one' }),
  shareType: ShareType,
  shareCondition: text('共享条件: who may use it and how (required when conditional)').optional(),
  legalBasis: text(
    '法律法规依据, e.g. "《户口登记条例》第…条" (required when conditional or none)',
  ).optional(),
  shareMode: z
    .array(ShareMode)
    .min(1)
    .optional()
    .meta({ description: '共享方式; defaults to ["table"], or [] when not shared' }),
  openType: OpenType,
  openCondition: text('开放条件 (required when openType is conditional)').optional(),
  updateCycle: UpdateCycle,
  publishedAt: isoDate('发布日期, YYYY-MM-DD'),
  securityGrade: SecurityGrade,
  generalSubLevel: GeneralSubLevel.optional(),
  personalInfo: PersonalInfoClass,
  secret: z
    .boolean()
    .default(false)
    .meta({ description: '涉密属性; secret data must not be catalogued, so only false is accepted' }),
  relatedCodes: z.array(ResourceCode).default([]).meta({ description: '关联资源代码' }),
  reviewDueAt: isoDate('next periodic review of a conditional entry (第十九条), YYYY-MM-DD').optional(),
  extensions: z
    .record(z.string(), z.string())
    .default({})
    .meta({ description: '扩展元数据: further metadata as text' }),
});

type EntryDraft = z.output<typeof CatalogEntryObject>;

const MEASURES = '公共数据管理办法';

function checkEntryRules(e: EntryDraft, ctx: z.RefinementCtx): void {
  const add = (path: (string | number)[], message: string, fix: string, allowed?: string) =>
    ctx.addIssue({ code: 'custom', path, message, params: { fix, ...(allowed ? { allowed } : {}) } });

  if (e.secret) {
    add(
      ['secret'],
      `a dataset marked secret (涉密) must not be catalogued (${MEASURES} 第十二条: 不得将涉密数据编入公共数据目录)`,
      'remove this entry from the catalog and manage the data under the secrecy rules (第三条)',
      'secret: false',
    );
    return;
  }
  if (e.shareType === 'conditional' && (e.shareCondition === undefined || e.legalBasis === undefined)) {
    const missing = [
      e.shareCondition === undefined ? 'shareCondition' : null,
      e.legalBasis === undefined ? 'legalBasis' : null,
    ].filter((m) => m !== null);
    add(
      [missing[0]!],
      `shareType "conditional" needs shareCondition and legalBasis (${MEASURES} 第十九条)`,
      `add ${missing.map((m) => (m === 'legalBasis' ? 'legalBasis: "《…》第…条"' : 'shareCondition: "…"')).join(' and ')}`,
    );
  }
  if (e.shareType === 'none' && e.legalBasis === undefined) {
    add(
      ['legalBasis'],
      `shareType "none" needs legalBasis: data not shared must cite a law or state rule (${MEASURES} 第十九条)`,
      'add legalBasis: "《…》第…条", or share the data (after desensitisation, 第二十条)',
    );
  }
  if (e.openType === 'conditional' && e.openCondition === undefined) {
    add(
      ['openCondition'],
      `openType "conditional" needs openCondition (${MEASURES} 第二十七条)`,
      'add openCondition: "…"',
    );
  }
  if (e.generalSubLevel !== undefined && e.securityGrade !== 'general') {
    add(
      ['generalSubLevel'],
      `generalSubLevel applies only to securityGrade "general"; got securityGrade "${e.securityGrade}"`,
      'remove generalSubLevel, or set securityGrade: "general"',
    );
  }
  const seen = new Map<string, number>();
  e.fields.forEach((f, i) => {
    const first = seen.get(f.name);
    if (first !== undefined) {
      add(
        ['fields', i, 'name'],
        `column "${f.name}" is listed twice (fields[${first}] and fields[${i}])`,
        'keep one item per column',
      );
    } else seen.set(f.name, i);
    if (
      f.shareType !== undefined &&
      SHARE_RANK[f.shareType] > SHARE_RANK[e.shareType] &&
      e.shareType !== 'conditional'
    ) {
      add(
        ['fields', i, 'shareType'],
        `item shareType "${f.shareType}" is stricter than the entry's "${e.shareType}"; data only partly shareable is conditional (第十九条)`,
        'set the entry shareType: "conditional" (with shareCondition and legalBasis)',
      );
    }
    if (f.shareType !== undefined && e.shareType === 'none' && f.shareType !== 'none') {
      add(
        ['fields', i, 'shareType'],
        `item shareType "${f.shareType}" in an entry that is not shared`,
        'remove the item shareType, or make the entry shareType "conditional"',
      );
    }
    if (
      f.openType !== undefined &&
      SHARE_RANK[f.openType] > SHARE_RANK[e.openType] &&
      e.openType !== 'conditional'
    ) {
      add(
        ['fields', i, 'openType'],
        `item openType "${f.openType}" is stricter than the entry's "${e.openType}"; data only partly open is conditional`,
        'set the entry openType: "conditional" with openCondition',
      );
    }
    if (f.openType !== undefined && e.openType === 'none' && f.openType !== 'none') {
      add(
        ['fields', i, 'openType'],
        `item openType "${f.openType}" in an entry that is not open`,
        'remove the item openType, or make the entry openType "conditional"',
      );
    }
    for (const [audience, action] of Object.entries(f.outputs ?? {})) {
      if (action === 'generalize' && generalizationOf(f) === undefined) {
        add(
          ['fields', i, 'outputs', audience],
          `item "${f.name}" (${f.type}) cannot be generalised: generalize applies to dates, division codes and ages`,
          `use "mask", "pseudonymize" or "drop" for outputs.${audience}`,
          'clear|drop|mask|pseudonymize',
        );
      }
    }
    if (f.sensitive && f.outputs?.open === 'clear' && (f.openType ?? e.openType) !== 'none') {
      add(
        ['fields', i, 'outputs', 'open'],
        `sensitive item "${f.name}" would be opened in clear (第二十六条: no direct identifier leaves for the public unmasked)`,
        'use outputs.open: "mask", "pseudonymize", "generalize" or "drop"',
        'drop|mask|pseudonymize|generalize',
      );
    }
    const open = f.openType ?? e.openType;
    if (f.sensitive && f.masking === 'none' && open === 'unconditional') {
      add(
        ['fields', i, 'masking'],
        `sensitive item "${f.name}" would be opened unconditionally without masking (第二十条, 第二十六条)`,
        `remove masking: "none" (default: "${inferMasking(f)}"), or set openType: "none" on the item`,
      );
    }
  });
}

function fillDefaults(e: EntryDraft) {
  return {
    ...e,
    shareMode: e.shareMode ?? (e.shareType === 'none' ? [] : (['table'] as ShareMode[])),
    fields: e.fields.map((f) => ({
      ...f,
      masking: f.masking ?? (f.sensitive ? inferMasking(f) : ('none' as FieldMasking)),
      shareType: f.shareType ?? e.shareType,
      openType: f.openType ?? e.openType,
    })),
  };
}

/** Makes every property of T, deeply, readonly. */
export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/**
 * A catalog entry: validated (cross-field rules of 第十二条/第十九条/第二十六条) and with defaults filled in
 * (item masking, item share/open type, share mode).
 */
export const CatalogEntry = CatalogEntryObject.superRefine(checkEntryRules).transform(fillDefaults);
/** A catalog entry as written in code. */
export type CatalogEntryInput = z.input<typeof CatalogEntry>;
/** A parsed, frozen catalog entry: every item has `masking`, `shareType` and `openType` set. */
export type CatalogEntry = DeepReadonly<z.output<typeof CatalogEntry>>;
/** A parsed data item. */
export type CatalogFieldOutput = CatalogEntry['fields'][number];

// ——— issue formatting ———

type AnySchema = z.core.$ZodType;

function unwrap(schema: AnySchema): AnySchema {
  let s = schema;
  for (let i = 0; i < 10; i++) {
    const def = s._zod.def as unknown as { type: string; innerType?: AnySchema; in?: AnySchema };
    if (def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else break;
  }
  return s;
}

/** The schema at `path` inside `schema` (through optional, default, pipe, array and object), or undefined. */
function schemaAt(schema: AnySchema, path: readonly PropertyKey[]): AnySchema | undefined {
  let s: AnySchema | undefined = schema;
  for (const key of path) {
    if (!s) return undefined;
    const def = unwrap(s)._zod.def as unknown as {
      type: string;
      shape?: Record<string, AnySchema>;
      element?: AnySchema;
    };
    if (def.type === 'object' && typeof key === 'string') s = def.shape?.[key];
    else if (def.type === 'array' && typeof key === 'number') s = def.element;
    else return undefined;
  }
  return s;
}

function descriptionOf(schema: AnySchema | undefined): string | undefined {
  let s = schema;
  for (let i = 0; s && i < 10; i++) {
    const d = z.globalRegistry.get(s)?.description;
    if (d) return d;
    const def = s._zod.def as unknown as { innerType?: AnySchema };
    s = def.innerType;
  }
  return undefined;
}

function exampleFor(schema: AnySchema | undefined): string {
  if (!schema) return '…';
  const def = unwrap(schema)._zod.def as unknown as { type: string; entries?: Record<string, string> };
  switch (def.type) {
    case 'string':
      return '"…"';
    case 'boolean':
      return 'false';
    case 'array':
      return '[…]';
    case 'object':
      return '{ … }';
    case 'enum':
      return JSON.stringify(Object.values(def.entries ?? {})[0] ?? '…');
    default:
      return '…';
  }
}

const article = (t: string): string => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${String(value)}`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

const ALL_LABELS: readonly Labels<string>[] = [
  SHARE_TYPE_LABELS,
  OPEN_TYPE_LABELS,
  SHARE_MODE_LABELS,
  UPDATE_CYCLE_LABELS,
  RESOURCE_FORMAT_LABELS,
  CATALOG_KIND_LABELS,
  SECURITY_GRADE_LABELS,
  GENERAL_SUB_LEVEL_LABELS,
  PERSONAL_INFO_LABELS,
  FIELD_TYPE_LABELS,
];

/** The allowed value the writer most likely meant: a Chinese label, an alias, or a near spelling. */
function suggest(got: unknown, allowed: readonly string[]): string | undefined {
  if (typeof got !== 'string') return undefined;
  const g = got.trim();
  for (const labels of ALL_LABELS) {
    for (const [value, l] of Object.entries(labels)) {
      if ((l.zh === g || l.en.toLowerCase() === g.toLowerCase()) && allowed.includes(value)) return value;
    }
  }
  const alias = FIELD_TYPE_ALIASES[g.toLowerCase().replace(/\(.*$/, '')];
  if (alias && allowed.includes(alias)) return alias;
  let best: string | undefined;
  let bestD = Number.POSITIVE_INFINITY;
  for (const a of allowed) {
    const d = editDistance(g.toLowerCase(), a.toLowerCase());
    if (d < bestD) [best, bestD] = [a, d];
  }
  return bestD <= Math.max(1, Math.floor(g.length / 3)) ? best : undefined;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function plainPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out === '' ? String(k) : `.${String(k)}`;
  return out === '' ? 'entry' : out;
}

// Examples used in the fix of a format error, by the key that failed.
const FORMAT_EXAMPLES: Readonly<Record<string, string>> = {
  code: '"1/01/001/0001" (分类码 类/项/目/细目 + 顺序码)',
  publishedAt: '"2024-01-15"',
  reviewDueAt: '"2025-01-15"',
  dataset: '"hukou"',
  name: '"id_number"',
};

function pathText(input: unknown, path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out === '' ? String(k) : `.${String(k)}`;
  if (path[0] === 'fields' && typeof path[1] === 'number' && path.length > 2) {
    const column = valueAt(input, ['fields', path[1], 'name']);
    if (typeof column === 'string' && path[2] !== 'name') out += ` (column ${column})`;
  }
  return out === '' ? '(entry)' : out;
}

/** One formatted problem of a definition: the message line, and the structured parts for DefinitionError. */
export interface DefinitionProblem {
  readonly message: string;
  readonly field: string;
  readonly allowed?: string;
  readonly fix: string;
}

/**
 * Turns zod issues into definition-error lines, `where: field: expected …; got …. Fix: …`, naming allowed
 * values (enum options, known keys) and suggesting the value most likely meant. `input` is the parsed value,
 * `schema` the schema it was parsed with (for allowed keys, descriptions and examples).
 */
export function formatDefinitionIssues(
  issues: readonly z.core.$ZodIssue[],
  ctx: { where: string; input: unknown; schema: AnySchema },
): DefinitionProblem[] {
  const out: DefinitionProblem[] = [];
  for (const issue of issues) {
    const field = pathText(ctx.input, issue.path);
    const leaf = plainPath(issue.path);
    const here = schemaAt(ctx.schema, issue.path);
    const got = valueAt(ctx.input, issue.path);
    const push = (expected: string, gotText: string | undefined, fix: string, allowed?: string) =>
      out.push({
        message: definitionMessage({
          where: ctx.where,
          field,
          expected,
          ...(gotText === undefined ? {} : { got: gotText }),
          fix,
        }),
        field,
        fix,
        ...(allowed === undefined ? {} : { allowed }),
      });
    switch (issue.code) {
      case 'invalid_type': {
        const desc = descriptionOf(here);
        const hint = desc ? ` (${desc})` : '';
        if (got === undefined)
          push(article(issue.expected), 'nothing', `add ${leaf}: ${exampleFor(here)}${hint}`);
        else push(article(issue.expected), describe(got), `write ${leaf} as ${exampleFor(here)}${hint}`);
        break;
      }
      case 'invalid_value': {
        const allowed = issue.values.map((v) => JSON.stringify(v)).join(', ');
        const best = suggest(got, issue.values.map(String));
        push(
          `one of ${allowed}`,
          describe(got),
          best ? `${leaf}: "${best}"` : `use one of ${allowed}`,
          issue.values.map(String).join('|'),
        );
        break;
      }
      case 'invalid_format': {
        const example = FORMAT_EXAMPLES[String(issue.path.at(-1))];
        push(
          issue.message,
          describe(got),
          example ? `${leaf}: ${example}` : `write ${leaf} as ${issue.message}`,
        );
        break;
      }
      case 'too_small': {
        const min = Number(issue.minimum);
        const expected =
          issue.origin === 'array'
            ? `at least ${min} item${min === 1 ? '' : 's'}`
            : issue.origin === 'string'
              ? min === 1
                ? 'a non-empty string'
                : `at least ${min} characters`
              : `at least ${min}`;
        push(expected, describe(got), `give ${leaf} ${expected}`);
        break;
      }
      case 'too_big': {
        const max = Number(issue.maximum);
        push(`at most ${max}`, describe(got), `shorten ${leaf} to at most ${max}`);
        break;
      }
      case 'unrecognized_keys': {
        const def = here
          ? (unwrap(here)._zod.def as unknown as { shape?: Record<string, unknown> })
          : undefined;
        const known = Object.keys(def?.shape ?? {});
        for (const key of issue.keys) {
          const best = suggest(key, known);
          const keyField = field === '(entry)' ? key : `${field}.${key}`;
          const fix = best ? `rename ${key} to ${best}` : `remove ${key}`;
          out.push({
            message: definitionMessage({
              where: ctx.where,
              field: keyField,
              expected: best ? 'a known key' : `a known key (${known.join(', ')})`,
              got: 'an unknown key',
              fix,
            }),
            field: keyField,
            allowed: known.join('|'),
            fix,
          });
        }
        break;
      }
      case 'custom': {
        const params = (issue.params ?? {}) as { fix?: string; allowed?: string };
        if (params.fix !== undefined) {
          // Entry-level rule messages name their fields; nested ones get the path in front.
          const subject = issue.path.length > 1 ? `${field}: ` : '';
          out.push({
            message: `${ctx.where}: ${subject}${issue.message}. Fix: ${params.fix}`,
            field,
            fix: params.fix,
            ...(params.allowed === undefined ? {} : { allowed: params.allowed }),
          });
        } else push(issue.message, describe(got), `correct ${leaf}`);
        break;
      }
      default:
        push(issue.message, describe(got), `correct ${leaf}`);
    }
  }
  return out;
}

function whereOf(input: unknown, file: string | undefined): string {
  const o = (input !== null && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const id = typeof o.dataset === 'string' ? o.dataset : typeof o.code === 'string' ? o.code : undefined;
  const name = typeof o.name === 'string' ? o.name : undefined;
  const what =
    id && name
      ? `dataset ${id} (${name})`
      : id
        ? `dataset ${id}`
        : name
          ? `dataset (${name})`
          : 'catalog entry';
  return file ? `${file}: ${what}` : what;
}

/**
 * Validates a catalog entry once, fills its defaults and returns it deeply frozen.
 * On failure throws one DefinitionError listing every problem, one line each, e.g.
 * `examples/xinjiang/catalog.ts: dataset hukou (户籍人口): shareType "conditional" needs shareCondition and
 * legalBasis (公共数据管理办法 第十九条). Fix: add shareCondition: "…" and legalBasis: "《…》第…条"`.
 *
 * @example
 * export const hukou = defineCatalogEntry({ dataset: 'hukou', code: '1/01/001/0001', name: '户籍人口', … },
 *   { file: import.meta.filename });
 */
export function defineCatalogEntry(input: CatalogEntryInput, options: { file?: string } = {}): CatalogEntry {
  const result = CatalogEntry.safeParse(input, { reportInput: true });
  if (result.success) return deepFreeze(result.data) as CatalogEntry;
  const where = whereOf(input, options.file);
  const problems = formatDefinitionIssues(result.error.issues, { where, input, schema: CatalogEntry });
  const first = problems[0]!;
  throw new DefinitionError(problems.map((p) => p.message).join('\n'), {
    ...(options.file === undefined ? {} : { file: options.file }),
    field: first.field,
    ...(first.allowed === undefined ? {} : { allowed: first.allowed }),
    fix: first.fix,
    problems: problems.map((p) => p.message),
  });
}

/** A row of the `gongshu catalog` listing. */
export const CatalogRow = z.object({
  code: z.string().meta({ description: '信息资源代码' }),
  dataset: z.string().nullable().meta({ description: 'pipeline dataset, if linked' }),
  name: z.string().meta({ description: '信息资源名称' }),
  provider: z.string().meta({ description: '提供方' }),
  provider_code: z.string().meta({ description: '提供方代码' }),
  classification: z.string().meta({ description: '类 / 项 / 目 / 细目' }),
  format: z.string().meta({ description: '信息资源格式' }),
  fields: z.number().int().meta({ description: 'number of data items' }),
  sensitive_fields: z.number().int().meta({ description: 'number of sensitive data items' }),
  share_type: z.string().meta({ description: '共享类型' }),
  open_type: z.string().meta({ description: '开放类型' }),
  update_cycle: z.string().meta({ description: '更新周期' }),
  published_at: z.string().meta({ description: '发布日期' }),
  security_grade: z.string().meta({ description: '数据级别 (with sub-level)' }),
  personal_info: z.string().meta({ description: '个人信息' }),
  review_due_at: z.string().nullable().meta({ description: 'next review of a conditional entry' }),
});
/** A row of the `gongshu catalog` listing. */
export type CatalogRow = z.output<typeof CatalogRow>;

/**
 * Flattens entries into listing rows, in the given order. With `lang`, enum values are replaced by their
 * labels (`conditional` → `有条件共享`); without it rows carry the machine values (for `--json`).
 */
export function catalogToRows(
  entries: readonly CatalogEntry[],
  options: { lang?: 'zh' | 'en' } = {},
): CatalogRow[] {
  const { lang } = options;
  const l = <T extends string>(labels: Labels<T>, value: T): string => (lang ? labels[value][lang] : value);
  return entries.map((e) => {
    const c = e.classification;
    const grade = l(SECURITY_GRADE_LABELS, e.securityGrade);
    return {
      code: e.code,
      dataset: e.dataset ?? null,
      name: e.name,
      provider: e.provider.name,
      provider_code: e.provider.code,
      classification: [l(CATALOG_KIND_LABELS, c.kind), c.item, c.heading, c.subheading]
        .filter((p) => p !== undefined)
        .join(' / '),
      format: l(RESOURCE_FORMAT_LABELS, e.format),
      fields: e.fields.length,
      sensitive_fields: e.fields.filter((f) => f.sensitive).length,
      share_type: l(SHARE_TYPE_LABELS, e.shareType),
      open_type: l(OPEN_TYPE_LABELS, e.openType),
      update_cycle: l(UPDATE_CYCLE_LABELS, e.updateCycle),
      published_at: e.publishedAt,
      security_grade: e.generalSubLevel ? `${grade} ${e.generalSubLevel}` : grade,
      personal_info: l(PERSONAL_INFO_LABELS, e.personalInfo),
      review_due_at: e.reviewDueAt ?? null,
    };
  });
}
