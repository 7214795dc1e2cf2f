import { OBJECTIONS_TABLE, SYSTEM_SCHEMA, type Warehouse } from '../../warehouse/index.ts';
import { endOfShanghaiDay, shanghaiDate } from '../clock.ts';

/** Objections about one dataset's data in the evaluated year. */
export interface DatasetObjections {
  readonly dataset: string;
  /** Raised in the year. */
  readonly raised: number;
  /** Of those, resolved (any outcome), and resolved by their due time. */
  readonly resolved: number;
  readonly resolvedOnTime: number;
  /** Open at the end of the period (or at `at`, if earlier), whenever raised; and of those, past due. */
  readonly unresolved: number;
  readonly overdue: number;
}

/** Reads the objection figures per dataset for a year, or null when objections are not recorded on this node. */
export type ObjectionCounter = (
  wh: Warehouse,
  period: { readonly year: number; readonly at: Date },
) => Promise<DatasetObjections[] | null>;

/** The columns `probeObjectionCounts` reads: `dataset`, `raised_at`, `due_at`, `resolved_at` (null while open). */
export const OBJECTION_COLUMNS = ['dataset', 'raised_at', 'due_at', 'resolved_at'] as const;

/**
 * The default counter: the system table `objections` if it exists with the columns of `OBJECTION_COLUMNS`
 * (timestamps comparable as text in ISO form), else null.
 */
export const probeObjectionCounts: ObjectionCounter = async (wh, { year, at }) => {
  const columns = await wh.all<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'objections'`,
    [SYSTEM_SCHEMA],
  );
  const have = new Set(columns.map((c) => c.column_name));
  if (!OBJECTION_COLUMNS.every((c) => have.has(c))) return null;
  const end = new Date(Math.min(endOfShanghaiDay(`${year}-12-31`).getTime(), at.getTime()));
  const table = OBJECTIONS_TABLE;
  const rows = await wh.all<{
    dataset: string;
    raised: number;
    resolved: number;
    on_time: number;
    unresolved: number;
    overdue: number;
  }>(
    `SELECT dataset,
       count(*) FILTER (WHERE CAST(raised_at AS VARCHAR) >= $1 AND CAST(raised_at AS VARCHAR) <= $2) AS raised,
       count(*) FILTER (WHERE CAST(raised_at AS VARCHAR) >= $1 AND CAST(raised_at AS VARCHAR) <= $2 AND resolved_at IS NOT NULL) AS resolved,
       count(*) FILTER (WHERE CAST(raised_at AS VARCHAR) >= $1 AND CAST(raised_at AS VARCHAR) <= $2 AND resolved_at IS NOT NULL
                          AND CAST(resolved_at AS VARCHAR) <= CAST(due_at AS VARCHAR)) AS on_time,
       count(*) FILTER (WHERE CAST(raised_at AS VARCHAR) <= $2 AND (resolved_at IS NULL OR CAST(resolved_at AS VARCHAR) > $2)) AS unresolved,
       count(*) FILTER (WHERE CAST(raised_at AS VARCHAR) <= $2 AND (resolved_at IS NULL OR CAST(resolved_at AS VARCHAR) > $2)
                          AND CAST(due_at AS VARCHAR) < $2) AS overdue
     FROM ${table} GROUP BY dataset ORDER BY dataset`,
    [`${year}-01-01`, `${shanghaiDate(end)}T23:59:59.999`],
  );
  return rows.map((r) => ({
    dataset: r.dataset,
    raised: Number(r.raised),
    resolved: Number(r.resolved),
    resolvedOnTime: Number(r.on_time),
    unresolved: Number(r.unresolved),
    overdue: Number(r.overdue),
  }));
};
