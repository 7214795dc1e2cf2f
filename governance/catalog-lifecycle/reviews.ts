/**
 * `gongshu.catalog_reviews`: periodic reviews of catalog entries — the yearly secrecy review of every entry and
 * the review of conditional entries for promotion (第十九条). Owner of the table.
 */
import type { Warehouse } from '../../warehouse/index.ts';
import { ddl, ensureTable, hasSystemTable, insertRow, systemTable } from '../system-tables.ts';

const NAME = 'catalog_reviews';
const TABLE = systemTable(NAME);

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

async function ensure(wh: Warehouse): Promise<void> {
  await ensureTable(wh, NAME, [
    ddl(`CREATE TABLE IF NOT EXISTS ${TABLE} (
      id VARCHAR PRIMARY KEY,
      code VARCHAR NOT NULL,
      version INTEGER,
      reviewed_at VARCHAR NOT NULL,
      reviewer VARCHAR NOT NULL,
      outcome VARCHAR NOT NULL,         -- keep | promote | change
      note VARCHAR,
      next_due VARCHAR NOT NULL
    )`),
  ]);
}

/** Reviews, oldest first. */
export async function listCatalogReviews(wh: Warehouse, code?: string): Promise<CatalogReview[]> {
  if (!(await hasSystemTable(wh, NAME))) return [];
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
  await ensure(wh);
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
