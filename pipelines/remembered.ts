import { type CatalogEntry, GongshuError } from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import { DATASETS_TABLE } from '../warehouse/index.ts';
import type { KeySpec } from './key-spec.ts';

/** What the warehouse remembers of a dataset (written by every load into `gongshu.datasets`). */
export interface RememberedDataset {
  readonly dataset: string;
  readonly table: string;
  /** The key as declared on the source (kind and source column), if keyed. */
  readonly key: KeySpec | undefined;
  /** The dataset column holding the normalised key. */
  readonly keyColumn: string | null;
  readonly catalog: CatalogEntry | undefined;
}

/** The remembered definition of a dataset, or undefined if it was never loaded. */
export async function rememberedDataset(
  wh: Warehouse,
  dataset: string,
): Promise<RememberedDataset | undefined> {
  const [row] = await wh.all<{
    table_name: string;
    key_kind: string | null;
    key_column: string | null;
    source_key_column: string | null;
    catalog: string | null;
  }>(
    `SELECT table_name, key_kind, key_column, source_key_column, catalog FROM ${DATASETS_TABLE} WHERE dataset = $1`,
    [dataset],
  );
  if (!row) return undefined;
  const key =
    row.key_kind && row.source_key_column
      ? ({ kind: row.key_kind, column: row.source_key_column } as KeySpec)
      : undefined;
  return {
    dataset,
    table: row.table_name,
    key,
    keyColumn: row.key_column,
    catalog: row.catalog ? (JSON.parse(row.catalog) as CatalogEntry) : undefined,
  };
}

/** Every remembered dataset name, sorted. */
export async function rememberedDatasets(wh: Warehouse): Promise<string[]> {
  return (await wh.all<{ d: string }>(`SELECT dataset AS d FROM ${DATASETS_TABLE} ORDER BY 1`)).map(
    (r) => r.d,
  );
}

/** The error for a dataset the warehouse never loaded (`unknown-dataset`: exit 2, as an unknown name everywhere). */
export async function unknownDatasetError(wh: Warehouse, dataset: string): Promise<GongshuError> {
  const known = await rememberedDatasets(wh);
  return new GongshuError(
    'unknown-dataset',
    `dataset "${dataset}" is not in this warehouse. Known: ${known.join(', ') || '(none)'}. Fix: check the name, or --warehouse`,
  );
}
