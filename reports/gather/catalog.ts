import { z } from 'zod';
import { UPDATE_CYCLE_MAX_AGE_DAYS, type UpdateCycle } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { DATASETS_TABLE, LOADS_TABLE } from '../../warehouse/index.ts';
import { dayIn } from '../i18n/texts.ts';
import type { CatalogItem, CatalogProblem, CatalogSection } from '../model.ts';
import { iso } from './iso.ts';

/** The catalog fields the dashboard reads, leniently: a stored entry of an older shape still shows. */
const StoredEntry = z.looseObject({
  dataset: z.string().optional(),
  code: z.string().catch('?'),
  name: z.string().catch('?'),
  provider: z.looseObject({ name: z.string().catch('?') }).catch({ name: '?' }),
  classification: z.looseObject({ kind: z.string().optional() }).optional().catch(undefined),
  fields: z.array(z.looseObject({ sensitive: z.boolean().optional() })).catch([]),
  shareType: z.string().catch('?'),
  shareCondition: z.string().optional().catch(undefined),
  legalBasis: z.string().optional().catch(undefined),
  openType: z.string().catch('?'),
  openCondition: z.string().optional().catch(undefined),
  updateCycle: z.string().catch('irregular'),
  publishedAt: z.string().optional().catch(undefined),
  securityGrade: z.string().catch('?'),
  generalSubLevel: z.string().optional().catch(undefined),
  personalInfo: z.string().optional().catch(undefined),
  reviewDueAt: z.string().optional().catch(undefined),
});

/** Whole days from one calendar day (YYYY-MM-DD) to another. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The problems the dashboard flags on a stored catalog entry, at the report date. */
export function catalogProblems(
  e: z.output<typeof StoredEntry>,
  ageDays: number | null,
  maxAgeDays: number | null,
  asOf: string,
): CatalogProblem[] {
  const p: CatalogProblem[] = [];
  if (ageDays === null) p.push('never-loaded');
  else if (maxAgeDays !== null && ageDays > maxAgeDays) p.push('overdue');
  if (e.shareType === 'conditional' && !e.shareCondition) p.push('share-condition-missing');
  if ((e.shareType === 'conditional' || e.shareType === 'none') && !e.legalBasis)
    p.push('legal-basis-missing');
  if (e.openType === 'conditional' && !e.openCondition) p.push('open-condition-missing');
  if (e.reviewDueAt && e.reviewDueAt < asOf) p.push('review-overdue');
  return p;
}

export async function readCatalog(wh: Warehouse, asOf: string): Promise<CatalogSection> {
  const rows = await wh.all<{ dataset: string; catalog: string | null; last_ms: number | null }>(
    `SELECT d.dataset, CAST(d.catalog AS VARCHAR) AS catalog, epoch_ms(max(l.finished_at)) AS last_ms
     FROM ${DATASETS_TABLE} d LEFT JOIN ${LOADS_TABLE} l ON l.dataset = d.dataset
     WHERE d.catalog IS NOT NULL GROUP BY d.dataset, d.catalog ORDER BY d.dataset`,
  );
  const items: CatalogItem[] = [];
  for (const r of rows) {
    let raw: unknown;
    try {
      raw = JSON.parse(r.catalog ?? 'null');
    } catch {
      continue;
    }
    const parsed = StoredEntry.safeParse(raw);
    if (!parsed.success) continue;
    const e = parsed.data;
    const lastLoadAt = r.last_ms === null ? null : iso(r.last_ms);
    const ageDays = lastLoadAt === null ? null : daysBetween(dayIn(lastLoadAt), asOf);
    const maxAgeDays = UPDATE_CYCLE_MAX_AGE_DAYS[e.updateCycle as UpdateCycle] ?? null;
    items.push({
      dataset: e.dataset ?? r.dataset,
      code: e.code,
      name: e.name,
      provider: e.provider.name,
      kind: e.classification?.kind ?? null,
      shareType: e.shareType,
      openType: e.openType,
      updateCycle: e.updateCycle,
      publishedAt: e.publishedAt ?? null,
      securityGrade: e.securityGrade,
      generalSubLevel: e.generalSubLevel ?? null,
      personalInfo: e.personalInfo ?? null,
      fields: e.fields.length,
      sensitiveFields: e.fields.filter((f) => f.sensitive).length,
      lastLoadAt,
      ageDays,
      maxAgeDays,
      problems: catalogProblems(e, ageDays, maxAgeDays, asOf),
    });
  }
  items.sort((a, b) => a.code.localeCompare(b.code) || a.name.localeCompare(b.name));
  return items.length ? { status: 'ok', data: items } : { status: 'not-configured', note: null };
}
