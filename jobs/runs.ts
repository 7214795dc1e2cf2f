/** Run records of the jobs layer in `gongshu_runs` (kind `build`, `schedule`, `backfill`). */

import { newId } from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';

/** A new run id: `<kind>-<UTC yyyymmddhhmmss>-<random>`. */
export function newRunId(kind: string, now = new Date()): string {
  return newId(kind, now);
}

/** Records a run as `running` (or directly as `skipped`) and returns its id. */
export async function startRun(
  wh: Warehouse,
  kind: string,
  target: string,
  opts: {
    runId?: string;
    /** `skipped` / `blocked`: recorded as finished at once. */
    status?: 'running' | 'skipped' | 'blocked';
    error?: string;
    details?: unknown;
    at?: Date;
  } = {},
): Promise<string> {
  const at = opts.at ?? new Date();
  const runId = opts.runId ?? newRunId(kind, at);
  const skipped = opts.status === 'skipped' || opts.status === 'blocked';
  await wh.run(
    `INSERT INTO gongshu_runs (run_id, kind, target, status, started_at, finished_at, error, details)
     VALUES ($1, $2, $3, $4, $5::TIMESTAMPTZ, ${skipped ? '$5::TIMESTAMPTZ' : 'NULL'}, $6, $7)`,
    [
      runId,
      kind,
      target,
      opts.status ?? 'running',
      at.toISOString(),
      opts.error ?? null,
      opts.details === undefined ? null : JSON.stringify(opts.details),
    ],
  );
  return runId;
}

/** Finishes a run: status, counts, error and details. */
export async function finishRun(
  wh: Warehouse,
  runId: string,
  r: {
    status: 'succeeded' | 'failed' | 'skipped' | 'blocked';
    rowsRead?: number | null;
    rowsLoaded?: number | null;
    error?: string | null;
    details?: unknown;
  },
): Promise<void> {
  await wh.run(
    `UPDATE gongshu_runs SET status = $2, finished_at = now(), rows_read = $3, rows_loaded = $4, error = $5,
       details = $6 WHERE run_id = $1`,
    [
      runId,
      r.status,
      r.rowsRead ?? null,
      r.rowsLoaded ?? null,
      r.error ?? null,
      r.details === undefined ? null : JSON.stringify(r.details),
    ],
  );
}

/** One row of `gongshu runs`. */
export interface RunRecord {
  readonly run_id: string;
  readonly kind: string;
  readonly target: string;
  readonly status: string;
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly seconds: number | null;
  readonly rows_read: number | null;
  readonly rows_loaded: number | null;
  readonly rows_quarantined: number | null;
  readonly error: string | null;
  readonly details: unknown;
}

/** The most recent runs (newest first), optionally of one kind. */
export async function listRuns(
  wh: Warehouse,
  opts: { limit?: number; kind?: string } = {},
): Promise<RunRecord[]> {
  const { rows } = await wh.json(
    `SELECT run_id, kind, target, status,
            strftime(started_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS started_at,
            strftime(finished_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS finished_at,
            round(epoch(finished_at) - epoch(started_at), 3) AS seconds,
            rows_read::DOUBLE AS rows_read, rows_loaded::DOUBLE AS rows_loaded,
            rows_quarantined::DOUBLE AS rows_quarantined, error, details
     FROM gongshu_runs ${opts.kind ? 'WHERE kind = $2' : ''}
     ORDER BY gongshu_runs.started_at DESC, run_id DESC LIMIT $1`,
    opts.kind ? [opts.limit ?? 50, opts.kind] : [opts.limit ?? 50],
  );
  return rows.map((r) => ({
    ...(r as unknown as RunRecord),
    details: typeof r.details === 'string' ? JSON.parse(r.details) : (r.details ?? null),
  }));
}
