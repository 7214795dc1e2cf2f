/** The catalog entry as written in code: its fields and their formats, before the cross-field rules and defaults. */
import { z } from 'zod';
import { USCC_CHARSET, usccCheckChar } from '../checksums.ts';
import { GeneralSubLevel, PersonalInfoClass, SecurityGrade } from './grading.ts';
import { Jurisdiction, ReportScope } from './hierarchy.ts';
import { OutputAction } from './outputs.ts';
import { OpenType, ShareMode, ShareType } from './sharing.ts';
import { CatalogKind, FieldMasking, FieldType, ResourceFormat, UpdateCycle } from './vocabulary.ts';

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
  element: z
    .string()
    .regex(/^(person|org)\.[a-z][a-z0-9_]*$/, {
      error: 'a data element code "person.<field>" or "org.<field>", e.g. "person.name"',
    })
    .optional()
    .meta({
      description:
        '数据元: the data element the item holds, "person.<field>" or "org.<field>" of a foundation (e.g. "person.name"); one data, one source: its authoritative source is the foundation field\'s',
    }),
});

/** The catalog entry as written in code (before defaults). */
export const CatalogEntryObject = z.strictObject({
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
  report: ReportScope.default('shareable'),
  jurisdiction: Jurisdiction.optional().meta({
    description:
      'the division a row falls under: { column: "division", basis: "registered-residence" } or { fromKey: true }; without it, backflow refuses the dataset',
  }),
  relatedCodes: z.array(ResourceCode).default([]).meta({ description: '关联资源代码' }),
  duplicateBasis: text(
    '重复采集依据: the legal reason this dataset collects data elements held authoritatively elsewhere (第十三条)',
  ).optional(),
  reviewDueAt: isoDate('next periodic review of a conditional entry (第十九条), YYYY-MM-DD').optional(),
  extensions: z
    .record(z.string(), z.string())
    .default({})
    .meta({ description: '扩展元数据: further metadata as text' }),
});

/** An entry as parsed, before its defaults. */
export type EntryDraft = z.output<typeof CatalogEntryObject>;
