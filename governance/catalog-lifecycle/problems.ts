/**
 * What the catalog owes (第十一条、第十九条、第四十四条), for `gongshu catalog problems` and the dashboard:
 * `update-overdue` (a law/duty change not answered by a published version within 15 working days),
 * `review-overdue` (a conditional entry past its review date, or any entry past its yearly secrecy review),
 * `not-catalogued` (a dataset without an entry), `unpublished` (an entry in code not, or not in this form, published).
 */
import { shanghaiDate } from '../clock.ts';
import { codeCatalog, type GovernanceContext, uncataloguedDatasets } from '../context.ts';
import { diffCatalog } from './lifecycle.ts';
import { listCatalogReviews } from './reviews.ts';
import { listCatalogTriggers } from './triggers.ts';
import { listCatalogVersions } from './versions.ts';

/** A kind of catalog problem. */
export type CatalogProblemKind = 'update-overdue' | 'review-overdue' | 'not-catalogued' | 'unpublished';

/** One problem of the catalog at a date. */
export interface CatalogProblem {
  readonly problem: CatalogProblemKind;
  readonly code: string | null;
  readonly dataset: string | null;
  readonly name: string | null;
  /** The date something was due (YYYY-MM-DD), when there is one. */
  readonly dueDate: string | null;
  /** True when the due date has passed (`unpublished` and `not-catalogued` have none and are always due). */
  readonly overdue: boolean;
  readonly detail: string;
}

/** Adds a year to a YYYY-MM-DD date (29 Feb → 28 Feb). */
function nextYear(date: string): string {
  const y = Number(date.slice(0, 4)) + 1;
  const md = date.slice(5) === '02-29' ? '02-28' : date.slice(5);
  return `${y}-${md}`;
}

/** The catalog's problems as of `at`, and what is due soon (`overdue: false`) within `horizonDays`. */
export async function catalogProblems(
  ctx: Pick<GovernanceContext, 'wh' | 'project'>,
  options: { at: Date; horizonDays?: number },
): Promise<CatalogProblem[]> {
  const today = shanghaiDate(options.at);
  const horizon = shanghaiDate(new Date(options.at.getTime() + (options.horizonDays ?? 30) * 86_400_000));
  const out: CatalogProblem[] = [];
  const inCode = codeCatalog(ctx.project);
  const versions = await listCatalogVersions(ctx.wh);
  const triggers = await listCatalogTriggers(ctx.wh);
  const reviews = await listCatalogReviews(ctx.wh);
  const nameOf = (code: string) =>
    inCode.get(code)?.entry.name ?? versions.find((v) => v.code === code)?.entry.name ?? null;
  const datasetOf = (code: string) =>
    inCode.get(code)?.dataset ?? versions.find((v) => v.code === code)?.dataset ?? null;

  // Law/duty changes: an open trigger, or a version answering one that is not yet published.
  for (const t of triggers) {
    const answered =
      t.resolvedVersion === null
        ? undefined
        : versions.find((v) => v.code === t.code && v.version === t.resolvedVersion);
    // Answered once the version that resolved it, or a later one of the same code, is published.
    const published =
      t.resolvedVersion !== null &&
      versions.some((v) => v.code === t.code && v.version >= t.resolvedVersion! && v.publishedAt !== null);
    if (published) continue;
    if (t.dueDate > horizon) continue;
    out.push({
      problem: 'update-overdue',
      code: t.code,
      dataset: datasetOf(t.code),
      name: nameOf(t.code),
      dueDate: t.dueDate,
      overdue: today > t.dueDate,
      detail: `${t.kind === 'law' ? '法律法规' : '职能'}变化 ${t.date} (${t.reference})${answered ? `, version ${answered.version} ${answered.status}` : ', no new version yet'}`,
    });
  }
  for (const v of versions) {
    if (v.dueDate === null || v.publishedAt || v.status === 'superseded' || v.status === 'rejected') continue;
    if (triggers.some((t) => t.code === v.code && t.resolvedVersion === v.version)) continue;
    if (v.dueDate > horizon) continue;
    out.push({
      problem: 'update-overdue',
      code: v.code,
      dataset: v.dataset,
      name: v.entry.name,
      dueDate: v.dueDate,
      overdue: today > v.dueDate,
      detail: `${v.triggerKind} change ${v.triggerDate ?? ''} (${v.triggerReference ?? ''}), version ${v.version} ${v.status}`,
    });
  }

  // Reviews of published entries.
  const published = new Map(versions.filter((v) => v.status === 'published').map((v) => [v.code, v]));
  for (const [code, v] of published) {
    const last = reviews.filter((r) => r.code === code).at(-1);
    const publishedOn = shanghaiDate(new Date(v.publishedAt!));
    const yearly = nextYear(last ? shanghaiDate(new Date(last.reviewedAt)) : publishedOn);
    const conditional = v.entry.shareType === 'conditional' ? (v.entry.reviewDueAt ?? null) : null;
    const due = last ? last.nextDue : [conditional, yearly].filter((d): d is string => d !== null).sort()[0]!;
    if (due > horizon) continue;
    out.push({
      problem: 'review-overdue',
      code,
      dataset: v.dataset,
      name: v.entry.name,
      dueDate: due,
      overdue: today > due,
      detail: last
        ? `last reviewed ${shanghaiDate(new Date(last.reviewedAt))} (${last.outcome})`
        : conditional && conditional === due
          ? 'conditional entry: review for promotion (第十九条)'
          : 'yearly secrecy review (第十二条)',
    });
  }

  for (const dataset of uncataloguedDatasets(ctx.project)) {
    out.push({
      problem: 'not-catalogued',
      code: null,
      dataset,
      name: null,
      dueDate: null,
      overdue: true,
      detail: 'a dataset without a catalog entry (第六条)',
    });
  }
  for (const d of await diffCatalog(ctx)) {
    if (d.state === 'unchanged' && d.latestStatus === 'published') continue;
    if (d.state === 'removed') continue;
    out.push({
      problem: 'unpublished',
      code: d.code,
      dataset: d.dataset,
      name: d.name,
      dueDate: null,
      overdue: true,
      detail:
        d.state === 'new'
          ? 'never submitted'
          : d.state === 'changed'
            ? `changed in code since version ${d.latestVersion} (${d.changes.slice(0, 4).join(', ')}${d.changes.length > 4 ? ', …' : ''})`
            : `version ${d.latestVersion} is ${d.latestStatus}`,
    });
  }
  const order: Record<CatalogProblemKind, number> = {
    'update-overdue': 0,
    'review-overdue': 1,
    'not-catalogued': 2,
    unpublished: 3,
  };
  return out.sort(
    (a, b) =>
      Number(b.overdue) - Number(a.overdue) ||
      order[a.problem] - order[b.problem] ||
      (a.dueDate ?? '').localeCompare(b.dueDate ?? '') ||
      (a.code ?? '').localeCompare(b.code ?? ''),
  );
}
