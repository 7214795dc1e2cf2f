/**
 * Catalog export with the column names of the 2017 national compiling guide (政务信息资源目录编制指南（试行）,
 * 发改高技〔2017〕1272号; DOMAIN.md §6): 信息资源分类 … 关联资源代码, plus 版本, 数据级别 and 个人信息. The xlsx has a
 * two-row header (共享属性 and 开放属性 span their parts, as the guide's table does); CSV (UTF-8 with BOM, formula
 * characters escaped) and JSON carry the same columns flat. Published versions are exported.
 */
import type ExcelJSModule from 'exceljs';
import {
  CATALOG_KIND_LABELS,
  type CatalogEntry,
  FIELD_TYPE_LABELS,
  OPEN_TYPE_LABELS,
  PERSONAL_INFO_LABELS,
  RESOURCE_FORMAT_LABELS,
  SECURITY_GRADE_LABELS,
  SHARE_MODE_LABELS,
  SHARE_TYPE_LABELS,
  UPDATE_CYCLE_LABELS,
} from '../../schemas/index.ts';
import type { CatalogVersion } from './versions.ts';

/** Formats of `gongshu catalog export`. */
export const CATALOG_EXPORT_FORMATS = ['xlsx', 'csv', 'json'] as const;
/** A catalog export format. */
export type CatalogExportFormat = (typeof CATALOG_EXPORT_FORMATS)[number];

/** The columns: group (for the xlsx header) and name. */
export const CATALOG_EXPORT_COLUMNS: readonly { readonly group: string | null; readonly name: string }[] = [
  { group: null, name: '信息资源分类' },
  { group: null, name: '信息资源名称' },
  { group: null, name: '信息资源代码' },
  { group: null, name: '信息资源提供方' },
  { group: null, name: '信息资源提供方代码' },
  { group: null, name: '信息资源摘要' },
  { group: null, name: '信息资源格式' },
  { group: null, name: '信息项信息' },
  { group: '共享属性', name: '共享类型' },
  { group: '共享属性', name: '共享条件' },
  { group: '共享属性', name: '共享方式' },
  { group: '开放属性', name: '是否向社会开放' },
  { group: '开放属性', name: '开放条件' },
  { group: null, name: '更新周期' },
  { group: null, name: '发布日期' },
  { group: null, name: '关联资源代码' },
  { group: null, name: '版本' },
  { group: null, name: '数据级别' },
  { group: null, name: '个人信息' },
];

/** One row of the export, by column name. */
export type CatalogExportRow = Record<string, string>;

/** The row of one entry. */
export function catalogExportRow(entry: CatalogEntry, version: number | null): CatalogExportRow {
  const c = entry.classification;
  const open = entry.openType;
  const values = [
    [CATALOG_KIND_LABELS[c.kind].zh, c.item, c.heading, c.subheading].filter(Boolean).join(' / '),
    entry.name,
    entry.code,
    entry.provider.name,
    entry.provider.code,
    entry.summary,
    RESOURCE_FORMAT_LABELS[entry.format].zh,
    entry.fields
      .map((f) => `${f.title}(${FIELD_TYPE_LABELS[f.type].zh}${f.sensitive ? '，敏感' : ''})`)
      .join('；'),
    SHARE_TYPE_LABELS[entry.shareType].zh,
    [entry.shareCondition, entry.legalBasis ? `依据：${entry.legalBasis}` : undefined]
      .filter(Boolean)
      .join('；'),
    (entry.shareMode ?? []).map((m) => SHARE_MODE_LABELS[m].zh).join('、'),
    open === 'none' ? '否' : `是（${OPEN_TYPE_LABELS[open].zh}）`,
    entry.openCondition ?? '',
    UPDATE_CYCLE_LABELS[entry.updateCycle].zh,
    entry.publishedAt,
    entry.relatedCodes.join('、'),
    version === null ? '' : String(version),
    SECURITY_GRADE_LABELS[entry.securityGrade].zh +
      (entry.generalSubLevel ? ` ${entry.generalSubLevel}` : ''),
    PERSONAL_INFO_LABELS[entry.personalInfo].zh,
  ];
  return Object.fromEntries(CATALOG_EXPORT_COLUMNS.map((col, i) => [col.name, values[i] ?? '']));
}

function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** Renders published versions in a format; xlsx as bytes, csv and json as UTF-8 text. */
export async function renderCatalogExport(
  versions: readonly CatalogVersion[],
  format: CatalogExportFormat,
): Promise<Buffer> {
  const rows = versions.map((v) => catalogExportRow(v.entry, v.version));
  const names = CATALOG_EXPORT_COLUMNS.map((c) => c.name);
  if (format === 'json') return Buffer.from(`${JSON.stringify(rows, null, 2)}\n`);
  if (format === 'csv') {
    const lines = [names.join(','), ...rows.map((r) => names.map((n) => csvCell(r[n] ?? '')).join(','))];
    return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`);
  }
  // Imported here, not at the top: only an Excel export loads exceljs (startup, issue #21).
  const { default: ExcelJS } = (await import('exceljs')) as { default: typeof ExcelJSModule };
  const book = new ExcelJS.Workbook();
  book.creator = 'gongshu';
  const sheet = book.addWorksheet('政务信息资源目录');
  sheet.addRow(CATALOG_EXPORT_COLUMNS.map((c) => c.group ?? c.name));
  sheet.addRow(CATALOG_EXPORT_COLUMNS.map((c) => c.name));
  CATALOG_EXPORT_COLUMNS.forEach((c, i) => {
    if (c.group === null) sheet.mergeCells(1, i + 1, 2, i + 1);
  });
  for (const group of new Set(
    CATALOG_EXPORT_COLUMNS.map((c) => c.group).filter((g): g is string => g !== null),
  )) {
    const first = CATALOG_EXPORT_COLUMNS.findIndex((c) => c.group === group);
    const last = CATALOG_EXPORT_COLUMNS.findLastIndex((c) => c.group === group);
    sheet.mergeCells(1, first + 1, 1, last + 1);
  }
  for (const r of rows) sheet.addRow(names.map((n) => r[n] ?? ''));
  for (const row of [sheet.getRow(1), sheet.getRow(2)]) {
    row.font = { bold: true };
    row.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  }
  sheet.columns.forEach((col, i) => {
    col.width = [7, 11].includes(i) ? 16 : i === 7 || i === 5 ? 48 : 22;
  });
  sheet.views = [{ state: 'frozen', ySplit: 2 }];
  return Buffer.from(await book.xlsx.writeBuffer());
}
