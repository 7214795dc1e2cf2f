import { memory } from '../connectors/index.ts';
import { GongshuError } from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import { QUARANTINE_TABLE } from '../warehouse/index.ts';
import { definePipeline, type Pipeline } from './define.ts';
import { type LoadResult, loadPipeline } from './load.ts';
import { rememberedDataset, rememberedDatasets } from './remembered.ts';

/** Which quarantined rows to replay. */
export interface ReplayFilter {
  /** Only rows quarantined by this load. */
  readonly loadId?: string;
  /** Only rows whose reason starts with this text, e.g. `key:division` or `type:`. */
  readonly reason?: string;
}

/** What a replay did: the load it ran (absent when nothing was open to replay). */
export interface ReplayResult {
  readonly dataset: string;
  readonly replayed: number;
  readonly load: LoadResult | undefined;
}

/**
 * Re-runs open quarantined rows of a dataset through its current definition (after the cause was fixed:
 * a fuller division table, a corrected catalog type, a relaxed contract). Rows that pass are written with
 * the dataset's write mode (a `replace` dataset is appended to, never wiped); rows that fail again are
 * quarantined anew with their current reason. The original quarantine rows are marked with the replay's
 * load id in the same transaction, so a replay never loads a row twice.
 *
 * `pipeline` is the dataset's pipeline from the project; without it the definition the warehouse remembers
 * (key and catalog) is used.
 */
export async function replayQuarantine(
  wh: Warehouse,
  dataset: string,
  options: ReplayFilter & { pipeline?: Pipeline; runId?: string } = {},
): Promise<ReplayResult> {
  const remembered = await rememberedDataset(wh, dataset);
  if (!remembered && !options.pipeline) {
    const known = await rememberedDatasets(wh);
    throw new GongshuError(
      'unknown-dataset',
      `dataset "${dataset}" is not in this warehouse. Known: ${known.join(', ') || '(none)'}. Fix: check the name, or --warehouse`,
    );
  }
  const where = [
    'dataset = $1',
    'replayed_load_id IS NULL',
    'NOT coalesce(row_loaded, false)',
    ...(options.loadId ? ['load_id = $2'] : []),
    ...(options.reason ? [`starts_with(reason, $${options.loadId ? 3 : 2})`] : []),
  ].join(' AND ');
  const params = [
    dataset,
    ...(options.loadId ? [options.loadId] : []),
    ...(options.reason ? [options.reason] : []),
  ];
  const rows = await wh.all<{ id: number; location: string; row: string }>(
    `SELECT rowid AS id, source_location AS location, CAST(row_json AS VARCHAR) AS row
     FROM ${QUARANTINE_TABLE} WHERE ${where} ORDER BY quarantined_at, rowid`,
    params,
  );
  if (rows.length === 0) return { dataset, replayed: 0, load: undefined };

  const records = rows.map((r) => JSON.parse(r.row) as Record<string, string | null>);
  const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
  const source = memory({
    name: `quarantine replay ${dataset}`,
    columns,
    rows: records.map((r) => columns.map((c) => r[c] ?? null)),
    locations: rows.map((r) => r.location),
  });
  const base = options.pipeline?.dataset;
  const pipeline = definePipeline({
    name: options.pipeline?.name ?? dataset,
    source,
    dataset: {
      name: dataset,
      ...(base?.title ? { title: base.title } : {}),
      ...((base?.key ?? remembered?.key) ? { key: (base?.key ?? remembered?.key)! } : {}),
      writeMode: base?.writeMode === 'merge' ? 'merge' : 'append',
      ...(base?.mergeKey ? { mergeKey: [...base.mergeKey] } : {}),
      contract: base?.contract ?? 'evolve',
      ...((base?.catalog ?? remembered?.catalog) ? { catalog: (base?.catalog ?? remembered?.catalog)! } : {}),
    },
  });
  const ids = rows.map((r) => r.id);
  const load = await loadPipeline(wh, pipeline, {
    ...(options.runId ? { runId: options.runId } : {}),
    inTransaction: async (tx, loadId) => {
      // Chunked so a large replay stays within reasonable statement sizes.
      for (let i = 0; i < ids.length; i += 10_000) {
        await tx.run(
          `UPDATE ${QUARANTINE_TABLE} SET replayed_load_id = $1 WHERE rowid IN (${ids.slice(i, i + 10_000).join(',')})`,
          [loadId],
        );
      }
    },
  });
  return { dataset, replayed: rows.length, load };
}
