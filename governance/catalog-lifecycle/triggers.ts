/**
 * `gongshu.catalog_triggers`: law or duty changes that oblige a catalog change within 15 working days
 * (第十一条), registered when they happen and resolved by the version that answers them. Its reads and writes (the table: warehouse/system/catalog-lifecycle.ts).
 */
import { CATALOG_TRIGGERS_TABLE, type Warehouse } from '../../warehouse/index.ts';
import { insertRow } from '../row-writes.ts';

const TABLE = CATALOG_TRIGGERS_TABLE;

/** A registered law/duty change of a catalog entry. */
export interface CatalogTrigger {
  readonly id: string;
  readonly code: string;
  readonly kind: 'law' | 'duty';
  readonly date: string;
  readonly reference: string;
  /** trigger date + the configured working days (15). */
  readonly dueDate: string;
  readonly registeredAt: string;
  readonly registeredBy: string;
  /** The version that answered it, once submitted. */
  readonly resolvedVersion: number | null;
}

interface Row {
  id: string;
  code: string;
  kind: 'law' | 'duty';
  date: string;
  reference: string;
  due_date: string;
  registered_at: string;
  registered_by: string;
  resolved_version: number | null;
  [k: string]: unknown;
}

const fromRow = (r: Row): CatalogTrigger => ({
  id: r.id,
  code: r.code,
  kind: r.kind,
  date: r.date,
  reference: r.reference,
  dueDate: r.due_date,
  registeredAt: r.registered_at,
  registeredBy: r.registered_by,
  resolvedVersion: r.resolved_version === null ? null : Number(r.resolved_version),
});

/** Triggers, oldest first; `open` only those no version answered yet. */
export async function listCatalogTriggers(
  wh: Warehouse,
  filter: { code?: string; open?: boolean } = {},
): Promise<CatalogTrigger[]> {
  const where = [
    ...(filter.code ? ['code = $code'] : []),
    ...(filter.open ? ['resolved_version IS NULL'] : []),
  ];
  const rows = await wh.all<Row>(
    `SELECT * FROM ${TABLE} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY date, id`,
    filter.code ? { code: filter.code } : {},
  );
  return rows.map(fromRow);
}

/** Records a trigger. */
export async function insertCatalogTrigger(wh: Warehouse, t: CatalogTrigger): Promise<void> {
  await insertRow(wh, TABLE, {
    id: t.id,
    code: t.code,
    kind: t.kind,
    date: t.date,
    reference: t.reference,
    due_date: t.dueDate,
    registered_at: t.registeredAt,
    registered_by: t.registeredBy,
    resolved_version: t.resolvedVersion,
  });
}

/** Marks every open trigger of a code as answered by `version`. */
export async function resolveCatalogTriggers(wh: Warehouse, code: string, version: number): Promise<void> {
  await wh.run(`UPDATE ${TABLE} SET resolved_version = $1 WHERE code = $2 AND resolved_version IS NULL`, [
    version,
    code,
  ]);
}
