/**
 * `gongshu.catalog_reviews`: periodic reviews of catalog entries — the yearly secrecy review of every entry and
 * the review of conditional entries for promotion (第十九条). Its reads and writes (the table: warehouse/system/catalog-lifecycle.ts).
 */
import { CATALOG_REVIEWS_TABLE, type Warehouse } from '../../warehouse/index.ts';
import { insertRow } from '../row-writes.ts';

const TABLE = CATALOG_REVIEWS_TABLE;

/** Outcome of a review. */
export type CatalogReviewOutcome = 'keep' | 'promote' | 'change';

/** A recorded review. */
export interface CatalogReview {
  readonly id: string;
  readonly code: string;
  readonly version: number | null;
  readonly reviewedAt: string;
  readonly reviewer: string;
  readonly outcome: CatalogReviewOutcome;
  readonly note: string | null;
  /** When the next review is due (YYYY-MM-DD). */
  readonly nextDue: string;
}

/** Reviews, oldest first. */
export async function listCatalogReviews(wh: Warehouse, code?: string): Promise<CatalogReview[]> {
  const rows = await wh.all<{
    id: string;
    code: string;
    version: number | null;
    reviewed_at: string;
    reviewer: string;
    outcome: CatalogReviewOutcome;
    note: string | null;
    next_due: string;
  }>(`SELECT * FROM ${TABLE} ${code ? 'WHERE code = $1' : ''} ORDER BY reviewed_at, id`, code ? [code] : []);
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    version: r.version === null ? null : Number(r.version),
    reviewedAt: r.reviewed_at,
    reviewer: r.reviewer,
    outcome: r.outcome,
    note: r.note,
    nextDue: r.next_due,
  }));
}

/** Records a review. */
export async function insertCatalogReview(wh: Warehouse, r: CatalogReview): Promise<void> {
  await insertRow(wh, TABLE, {
    id: r.id,
    code: r.code,
    version: r.version,
    reviewed_at: r.reviewedAt,
    reviewer: r.reviewer,
    outcome: r.outcome,
    note: r.note,
    next_due: r.nextDue,
  });
}
