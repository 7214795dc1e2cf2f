import type { IncrementalRequest } from '../connectors/index.ts';
import { quoteLiteral } from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import { CURSORS_TABLE } from '../warehouse/index.ts';
import type { Pipeline } from './define.ts';

/** The cursor of an incremental dataset before a load. */
export interface CursorState {
  /** The source column the cursor follows. */
  readonly column: string;
  /** The value committed by the last load (text), or null before the first. */
  readonly stored: string | null;
  /** The DuckDB type the stored value was compared as. */
  readonly storedType: string | null;
  /** Rows at or below this value are not wanted: the stored value minus the lag, or `initial`. */
  readonly after: string | null;
}

/**
 * Reads the committed cursor of a dataset and works out the lower bound of this load: the stored value
 * minus the lag window (days for DATE, seconds for TIMESTAMP, units for numbers), or the declared `initial`
 * value on the first load. Returns undefined for datasets without `incremental`.
 */
export async function readCursor(wh: Warehouse, pipeline: Pipeline): Promise<CursorState | undefined> {
  const inc = pipeline.dataset.incremental;
  if (!inc) return undefined;
  const rows = await wh.all<{ value: string | null; value_type: string | null }>(
    `SELECT value, value_type FROM ${CURSORS_TABLE} WHERE dataset = $1`,
    [pipeline.dataset.name],
  );
  const stored = rows[0]?.value ?? null;
  const storedType = rows[0]?.value_type ?? null;
  if (stored === null) return { column: inc.column, stored, storedType, after: inc.initial ?? null };
  const lag = inc.lag ?? 0;
  if (lag === 0 || !storedType) return { column: inc.column, stored, storedType, after: stored };
  const v = `CAST(${quoteLiteral(stored)} AS ${storedType})`;
  const shifted =
    storedType === 'DATE'
      ? `CAST(${v} - INTERVAL ${Math.round(lag)} DAY AS DATE)`
      : storedType.startsWith('TIMESTAMP')
        ? `${v} - to_microseconds(${Math.round(lag * 1e6)})`
        : /^(BIGINT|INTEGER|DECIMAL|DOUBLE)/.test(storedType)
          ? `${v} - ${lag}`
          : v; // text cursors have no arithmetic: the lag does not apply
  const after = await wh.value<string>(`SELECT CAST(${shifted} AS VARCHAR)`);
  return { column: inc.column, stored, storedType, after: after ?? stored };
}

/** The request handed to the connector, so sources that can filter (databases, APIs) push it down. */
export function incrementalRequest(state: CursorState | undefined): IncrementalRequest | undefined {
  return state ? { column: state.column, after: state.after } : undefined;
}

/** Commits the new cursor (in the load's transaction). */
export async function writeCursor(
  wh: Warehouse,
  dataset: string,
  column: string,
  value: string | null,
  valueType: string,
  loadId: string,
): Promise<void> {
  await wh.run(
    `INSERT INTO ${CURSORS_TABLE} (dataset, cursor_column, value, value_type, load_id, updated_at)
     VALUES ($1, $2, $3, $4, $5, now())
     ON CONFLICT (dataset) DO UPDATE SET cursor_column = excluded.cursor_column, value = excluded.value,
       value_type = excluded.value_type, load_id = excluded.load_id, updated_at = excluded.updated_at`,
    [dataset, column, value, valueType, loadId],
  );
}
