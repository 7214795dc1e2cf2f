import { type CatalogEntry, quoteIdent as q } from '../schemas/index.ts';
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

/** The layers whose built tables push like datasets when they have a catalog entry (`foundation.population`). */
export const BUILT_LAYERS = ['foundation', 'theme', 'topic'] as const;
/** A built layer. */
export type BuiltLayer = (typeof BUILT_LAYERS)[number];

/** What the platform needs of a project: its datasets, foundations and models, with keys and catalog entries. */
export interface CatalogProject {
  readonly pipelines?: readonly {
    readonly dataset: {
      readonly name: string;
      readonly key?: { readonly kind: string; readonly column: string } | undefined;
      readonly catalog?: CatalogEntry | undefined;
    };
  }[];
  readonly foundations?: readonly {
    readonly name: string;
    readonly key: string;
    readonly keyColumn: string;
    readonly catalog?: CatalogEntry | undefined;
  }[];
  readonly models?: readonly {
    readonly name: string;
    readonly layer: string;
    readonly catalog?: CatalogEntry | undefined;
  }[];
}

/**
 * A dataset as the platform sees it: a pipeline's dataset (`hukou`), or a built table with a catalog entry
 * (`foundation.population`, `theme.x`, `topic.y`), with its catalog entry and key.
 */
export interface DatasetPolicy {
  readonly dataset: string;
  /** `dataset` for a pipeline's dataset; the built layer for a foundation, theme or topic table. */
  readonly layer: 'dataset' | BuiltLayer;
  readonly catalog: CatalogEntry | undefined;
  readonly keyKind: string | null;
  readonly keyColumn: string | null;
}

/** Where this node keeps a dataset's own rows: `main.hukou`, `foundation.population`. */
export function localTable(dataset: string): { schema: string; table: string; sql: string } {
  const dot = dataset.indexOf('.');
  const [schema, table] = dot < 0 ? ['main', dataset] : [dataset.slice(0, dot), dataset.slice(dot + 1)];
  return { schema, table, sql: `${q(schema)}.${q(table)}` };
}

/** The DuckDB schema holding rows received from children: `received.<dataset>`. */
export const RECEIVED_SCHEMA = 'received';

/** Where this node keeps what its children reported: `received.hukou`, `received_foundation.population`. */
export function receivedTable(dataset: string): { schema: string; table: string; sql: string } {
  const dot = dataset.indexOf('.');
  const [schema, table] =
    dot < 0
      ? [RECEIVED_SCHEMA, dataset]
      : [`${RECEIVED_SCHEMA}_${dataset.slice(0, dot)}`, dataset.slice(dot + 1)];
  return { schema, table, sql: `${q(schema)}.${q(table)}` };
}

/** A dataset name as pushed: a lower-case name, or a built layer, a dot and a lower-case name. */
export const DATASET_NAME = /^((foundation|theme|topic)\.)?[a-z][a-z0-9_]{0,62}$/;

/**
 * The datasets this node knows, from what its warehouse remembers (`gongshu.datasets`) overlaid with its
 * project's pipeline definitions (the code is the source of truth for catalog entries), plus its foundations
 * and models that have a catalog entry.
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
      layer: 'dataset',
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
    out.set(d.name, {
      dataset: d.name,
      layer: 'dataset',
      catalog,
      keyKind: d.key?.kind ?? known?.keyKind ?? null,
      keyColumn,
    });
  }
  for (const f of project.foundations ?? []) {
    if (!f.catalog) continue;
    const name = `foundation.${f.name}`;
    out.set(name, {
      dataset: name,
      layer: 'foundation',
      catalog: f.catalog,
      keyKind: f.key,
      keyColumn: f.keyColumn,
    });
  }
  for (const m of project.models ?? []) {
    if (!m.catalog || (m.layer !== 'theme' && m.layer !== 'topic')) continue;
    const name = `${m.layer}.${m.name}`;
    out.set(name, { dataset: name, layer: m.layer, catalog: m.catalog, keyKind: null, keyColumn: null });
  }
  return out;
}

/**
 * Whether a dataset is reported upward (逐级汇聚, 第十三条): it has a catalog entry whose `report` is `all`, or
 * `shareable` (the default) with a share type other than `none`.
 */
export function isReportable(
  policy: DatasetPolicy | undefined,
): policy is DatasetPolicy & { catalog: CatalogEntry } {
  const c = policy?.catalog;
  if (!c) return false;
  const report = c.report ?? 'shareable';
  return report === 'all' || (report === 'shareable' && c.shareType !== 'none');
}

/** The catalog columns of a dataset that may be shared (item share type not `none`). */
export function shareableColumns(catalog: CatalogEntry): string[] {
  return catalog.fields.filter((f) => (f.shareType ?? catalog.shareType) !== 'none').map((f) => f.name);
}

/** The catalog columns reported upward: every item (`report: all`) or the shareable ones. */
export function reportedColumns(catalog: CatalogEntry): string[] {
  return (catalog.report ?? 'shareable') === 'all'
    ? catalog.fields.map((f) => f.name)
    : shareableColumns(catalog);
}

/** Columns of a chunk the catalog does not allow upward: fields not reported, or not catalogued at all. */
export function unsharedColumns(
  catalog: CatalogEntry,
  columns: readonly string[],
): { column: string; why: string }[] {
  const byName = new Map(catalog.fields.map((f) => [f.name, f]));
  const all = (catalog.report ?? 'shareable') === 'all';
  const out: { column: string; why: string }[] = [];
  for (const c of columns) {
    if ((TRAVELLING_LINEAGE as readonly string[]).includes(c)) continue;
    const f = byName.get(c);
    if (!f) out.push({ column: c, why: 'not a catalog field' });
    else if (!all && (f.shareType ?? catalog.shareType) === 'none')
      out.push({
        column: c,
        why: 'catalogued as not shared (不予共享) and the entry reports only shareable items',
      });
  }
  return out;
}

/** How a dataset's rows map to a division, and what happens to rows a child reports outside its own. */
export interface JurisdictionRule {
  /** SQL (over the dataset's columns) for the six-digit division a row falls under. */
  readonly sql: string;
  /** The column it reads. */
  readonly column: string;
  readonly outside: 'accept' | 'flag' | 'refuse';
  /** Where the rule comes from, for messages. */
  readonly declared: string;
}

/**
 * The jurisdiction of a dataset's rows: the catalog entry's `jurisdiction` (a column, or the key's division
 * digits where the entry says `fromKey`), else a (deprecated) entitlement `divisionColumn`. Undefined when
 * none is declared: the key's prefix is never assumed (a citizen ID's digits say where the number was issued,
 * not where the person lives).
 */
export function jurisdictionOf(
  policy: DatasetPolicy,
  legacyColumn?: string | undefined,
): JurisdictionRule | undefined {
  const j = policy.catalog?.jurisdiction;
  if (j?.column) {
    return {
      sql: `CAST(${q(j.column)} AS VARCHAR)`,
      column: j.column,
      outside: j.outside ?? 'flag',
      declared: `catalog jurisdiction.column ${j.column}`,
    };
  }
  if (j?.fromKey && policy.keyColumn) {
    const key = q(policy.keyColumn);
    return {
      sql: policy.keyKind === 'uscc' ? `substr(${key}, 3, 6)` : `substr(${key}, 1, 6)`,
      column: policy.keyColumn,
      outside: j.outside ?? 'flag',
      declared: 'catalog jurisdiction.fromKey',
    };
  }
  if (legacyColumn) {
    return {
      sql: `CAST(${q(legacyColumn)} AS VARCHAR)`,
      column: legacyColumn,
      outside: 'flag',
      declared: `entitlements divisionColumn ${legacyColumn}`,
    };
  }
  return undefined;
}
