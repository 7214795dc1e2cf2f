import type { CatalogEntry } from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import { DATASETS_TABLE } from '../warehouse/index.ts';

/** Lineage and provenance columns that travel with every row (not catalog fields, never personal data). */
export const TRAVELLING_LINEAGE = [
  '_load_id',
  '_source',
  '_ingested_at',
  '_key_original',
  '_row_hash',
  '_origin_node',
  '_origin_batch',
] as const;

/** What the platform needs of a project's pipelines: dataset names, keys and catalog entries. */
export interface CatalogProject {
  readonly pipelines?: readonly {
    readonly dataset: {
      readonly name: string;
      readonly key?: { readonly kind: string; readonly column: string } | undefined;
      readonly catalog?: CatalogEntry | undefined;
    };
  }[];
}

/** A dataset as the platform sees it: its catalog entry and key. */
export interface DatasetPolicy {
  readonly dataset: string;
  readonly catalog: CatalogEntry | undefined;
  readonly keyKind: string | null;
  readonly keyColumn: string | null;
}

/**
 * The datasets this node knows, from what its warehouse remembers (`gongshu.datasets`) overlaid with its
 * project's pipeline definitions (the code is the source of truth for catalog entries).
 */
export async function datasetPolicies(
  wh: Warehouse,
  project: CatalogProject,
): Promise<Map<string, DatasetPolicy>> {
  const out = new Map<string, DatasetPolicy>();
  for (const r of await wh.all<{
    dataset: string;
    key_kind: string | null;
    key_column: string | null;
    catalog: string | null;
  }>(`SELECT dataset, key_kind, key_column, catalog FROM ${DATASETS_TABLE}`)) {
    out.set(r.dataset, {
      dataset: r.dataset,
      catalog: r.catalog ? (JSON.parse(r.catalog) as CatalogEntry) : undefined,
      keyKind: r.key_kind,
      keyColumn: r.key_column,
    });
  }
  for (const p of project.pipelines ?? []) {
    const d = p.dataset;
    const known = out.get(d.name);
    const catalog = d.catalog ?? known?.catalog;
    const keyColumn =
      known?.keyColumn ??
      (d.key
        ? (catalog?.fields.find((f) => f.name === d.key!.column || f.title === d.key!.column)?.name ??
          d.key.column)
        : null);
    out.set(d.name, { dataset: d.name, catalog, keyKind: d.key?.kind ?? known?.keyKind ?? null, keyColumn });
  }
  return out;
}

/** Whether a dataset may be reported upward: it has a catalog entry whose share type is not `none`. */
export function isReportable(
  policy: DatasetPolicy | undefined,
): policy is DatasetPolicy & { catalog: CatalogEntry } {
  return policy?.catalog !== undefined && policy.catalog.shareType !== 'none';
}

/** The catalog columns of a dataset that may be shared (item share type not `none`). */
export function shareableColumns(catalog: CatalogEntry): string[] {
  return catalog.fields.filter((f) => (f.shareType ?? catalog.shareType) !== 'none').map((f) => f.name);
}

/** Columns of a chunk the catalog does not allow upward: fields marked not shared, or not catalogued at all. */
export function unsharedColumns(
  catalog: CatalogEntry,
  columns: readonly string[],
): { column: string; why: string }[] {
  const byName = new Map(catalog.fields.map((f) => [f.name, f]));
  const out: { column: string; why: string }[] = [];
  for (const c of columns) {
    if ((TRAVELLING_LINEAGE as readonly string[]).includes(c)) continue;
    const f = byName.get(c);
    if (!f) out.push({ column: c, why: 'not a catalog field' });
    else if ((f.shareType ?? catalog.shareType) === 'none')
      out.push({ column: c, why: 'catalogued as not shared (不予共享)' });
  }
  return out;
}

/** SQL for the six-digit division a row falls under: a division column, or derived from the key. */
export function divisionSql(
  policy: DatasetPolicy,
  divisionColumn: string | undefined,
  quote: (s: string) => string,
): string | undefined {
  if (divisionColumn) return `CAST(${quote(divisionColumn)} AS VARCHAR)`;
  if (!policy.keyColumn) return undefined;
  const key = quote(policy.keyColumn);
  if (policy.keyKind === 'uscc') return `substr(${key}, 3, 6)`;
  return `substr(${key}, 1, 6)`;
}
