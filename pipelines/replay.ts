import { memory } from '../connectors/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import { QUARANTINE_CURRENT_VIEW, QUARANTINE_TABLE } from '../warehouse/index.ts';
import { definePipeline, type Pipeline } from './define.ts';
import { type LoadResult, loadPipeline } from './load.ts';
import { rememberedDataset, unknownDatasetError } from './remembered.ts';

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
  /**
   * Current rows left alone because the source row itself was malformed (`field-count`, `json`, `encoding`, …),
   * by reason: no definition change fixes them; the department's file does, loaded again.
   */
  readonly notReplayable: Readonly<Record<string, number>>;
}

/** Reasons a changed definition can fix: the key, a value's type, the schema contract, the cursor. */
const REPLAYABLE = ['key:', 'type:', 'contract:', 'cursor:'];

/**
 * Re-runs the current quarantined rows of a dataset (`gongshu.quarantine_current`: rows of loads still live,
 * not replayed yet; rows of loads a later replace superseded are history and never replayed) through its
 * current definition (after the cause was fixed:
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
  if (!remembered && !options.pipeline) throw await unknownDatasetError(wh, dataset);
  const replayable = `(${REPLAYABLE.map((r) => `starts_with(reason, '${r}')`).join(' OR ')})`;
  const where = [
    'dataset = $1',
    'NOT coalesce(row_loaded, false)',
    ...(options.loadId ? ['load_id = $2'] : []),
    ...(options.reason ? [`starts_with(reason, $${options.loadId ? 3 : 2})`] : []),
  ].join(' AND ');
  const params = [
    dataset,
    ...(options.loadId ? [options.loadId] : []),
    ...(options.reason ? [options.reason] : []),
  ];
  const left = await wh.all<{ reason: string; n: number }>(
    `SELECT reason, count(*) AS n FROM ${QUARANTINE_CURRENT_VIEW} WHERE ${where} AND NOT ${replayable}
     GROUP BY ALL ORDER BY n DESC, reason`,
    params,
  );
  const notReplayable = Object.fromEntries(left.map((r) => [r.reason, r.n]));
  // The rows are marked by rowid, which the view does not carry: they are read from the table, limited to the
  // current ones (not replayed, of a load the view lists).
  const rows = await wh.all<{ id: number; location: string; row: string }>(
    `SELECT rowid AS id, source_location AS location, CAST(row_json AS VARCHAR) AS row
     FROM ${QUARANTINE_TABLE}
     WHERE ${where} AND ${replayable} AND replayed_load_id IS NULL
       AND load_id IN (SELECT DISTINCT load_id FROM ${QUARANTINE_CURRENT_VIEW} WHERE dataset = $1)
     ORDER BY quarantined_at, rowid`,
    params,
  );
  if (rows.length === 0) return { dataset, replayed: 0, load: undefined, notReplayable };

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
  return { dataset, replayed: rows.length, load, notReplayable };
}
