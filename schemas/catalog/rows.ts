/** The `gongshu catalog` listing: one row per entry, with machine values or zh/en labels. */
import { z } from 'zod';
import type { Labels } from '../labels.ts';
import type { CatalogEntry } from './entry.ts';
import { PERSONAL_INFO_LABELS, SECURITY_GRADE_LABELS } from './grading.ts';
import { OPEN_TYPE_LABELS, SHARE_TYPE_LABELS } from './sharing.ts';
import { CATALOG_KIND_LABELS, RESOURCE_FORMAT_LABELS, UPDATE_CYCLE_LABELS } from './vocabulary.ts';

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
