/** The catalog's vocabulary: update cycles, resource formats, catalog kinds, data-item types and masking. */
import { z } from 'zod';
import type { Labels } from '../labels.ts';
import { MaskKind } from '../masking.ts';

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
export const FIELD_TYPE_ALIASES: Readonly<Record<string, FieldType>> = {
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
