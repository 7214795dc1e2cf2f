/**
 * Backfill: load the rows of a partitioned (incremental) input whose cursor column lies in [from, to],
 * without reading or moving the live cursor in `gongshu.cursors`.
 *
 * Done without changing the loader: the pipeline is re-defined without `incremental` (so the loader neither
 * reads nor writes the cursor) over a wrapper connector that asks the source for everything and keeps only
 * rows in the range. Limits of this approach: rows pass through JS (no DuckDB fast path); the source is read
 * in full (no push-down of the upper bound); files are not recorded in `gongshu.files` (a backfill may re-read
 * a file the live load consumed); backfilled rows have no `_row_hash`. A `replace` dataset is refused (a
 * backfill would wipe the table); `merge` upserts by key, `append` adds rows (a range loaded twice is
 * loaded twice).
 */

import type { Connector, ExtractedBatch } from '../../connectors/index.ts';
import { definePipeline, type LoadResult, loadPipeline, type Pipeline } from '../../pipelines/index.ts';
import { parseDepartmentDate } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { finishRun, startRun } from '../../warehouse/index.ts';
import { ScheduleError } from '../errors.ts';

/** A backfill range, inclusive at both ends, in the cursor column's spelling (dates as YYYY-MM-DD). */
export interface BackfillRange {
  readonly from: string;
  readonly to: string;
}

function comparable(v: string): string | number {
  const t = v.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  const date = parseDepartmentDate(t.slice(0, 10));
  if (date && /^\d{4}\D\d{1,2}\D\d{1,2}/.test(t)) return date + t.slice(10).replace('T', ' ');
  return t;
}

/** Whether a cursor value lies in [from, to] (numbers numerically, dates and timestamps chronologically). */
export function inRange(value: string | null, range: BackfillRange): boolean {
  if (value === null || value.trim() === '') return false;
  const v = comparable(value);
  const lo = comparable(range.from);
  const hi = comparable(range.to);
  if (typeof v === 'number' && typeof lo === 'number' && typeof hi === 'number') return v >= lo && v <= hi;
  const s = String(v);
  // A date bound includes every timestamp of that day.
  const hiText = typeof hi === 'string' && hi.length === 10 ? `${hi} 99` : String(hi);
  return s >= String(lo) && s <= hiText;
}

/** The source of `pipeline`, reading everything and keeping rows whose cursor column is in the range. */
function rangeConnector(source: Connector, column: string, range: BackfillRange): Connector {
  return {
    kind: source.kind,
    describe: () => {
      const d = source.describe();
      return { ...d, options: { ...d.options, backfill: { column, ...range } } };
    },
    check: () => source.check(),
    async *extract(ctx = {}): AsyncIterable<ExtractedBatch> {
      const { seen: _seen, incremental: _incremental, ...rest } = ctx;
      for await (const batch of source.extract(rest)) {
        const i = batch.columns.indexOf(column);
        if (i < 0) {
          throw new ScheduleError(
            `backfill: the source has no column ${JSON.stringify(column)} (columns: ${batch.columns.join(', ')}). ` +
              'Fix: dataset.incremental.column must name a source column',
            { column },
          );
        }
        const keep = batch.rows.map((r) => inRange(r[i] ?? null, range));
        const pick = <T>(xs: readonly T[] | undefined) => xs?.filter((_, j) => keep[j]);
        const { files: _files, ...plain } = batch;
        yield {
          ...plain,
          rows: pick(batch.rows)!,
          locations: pick(batch.locations)!,
          ...(batch.problems ? { problems: pick(batch.problems)! } : {}),
        };
      }
    },
  };
}

/**
 * Loads the rows of an incremental pipeline whose cursor column is in [from, to], leaving the live cursor
 * untouched; recorded in `gongshu.runs` (kind `backfill`). See the module comment for the limits.
 * @example await backfill(wh, pipeline, { from: '2026-01-01', to: '2026-01-31' })
 */
export async function backfill(wh: Warehouse, pipeline: Pipeline, range: BackfillRange): Promise<LoadResult> {
  const inc = pipeline.dataset.incremental;
  if (!inc) {
    throw new ScheduleError(
      `${pipeline.file ?? 'pipeline'}: pipeline ${pipeline.name}: backfill needs a partitioned input: dataset.incremental is not set. ` +
        'Fix: declare dataset.incremental: { column: "<date column>" }',
      { pipeline: pipeline.name },
    );
  }
  if (pipeline.dataset.writeMode === 'replace') {
    throw new ScheduleError(
      `${pipeline.file ?? 'pipeline'}: pipeline ${pipeline.name}: backfill into a "replace" dataset would replace the whole table with the range. ` +
        'Fix: use writeMode "merge" (upsert by key) or "append"',
      { pipeline: pipeline.name },
    );
  }
  if (!inRange(range.from, { from: range.from, to: range.to })) {
    throw new ScheduleError(
      `backfill ${pipeline.name}: expected from ≤ to; got from ${JSON.stringify(range.from)}, to ${JSON.stringify(range.to)}. Fix: swap them`,
      { range },
    );
  }
  const { incremental: _drop, ...dataset } = pipeline.dataset;
  const derived = definePipeline({
    name: pipeline.name,
    ...(pipeline.description ? { description: pipeline.description } : {}),
    source: rangeConnector(pipeline.source, inc.column, range),
    dataset,
  });
  const runId = await startRun(wh, 'backfill', pipeline.name, { details: { ...range, column: inc.column } });
  try {
    const result = await loadPipeline(wh, derived, { runId });
    await finishRun(wh, runId, {
      status: 'succeeded',
      rowsRead: result.rowsRead,
      rowsLoaded: result.rowsLoaded,
      rowsQuarantined: result.rowsQuarantined,
      details: { ...range, column: inc.column, loadId: result.loadId },
    });
    return result;
  } catch (error) {
    await finishRun(wh, runId, { status: 'failed', error: (error as Error).message });
    throw error;
  }
}
