import type { Warehouse } from '../../warehouse/index.ts';
import { AUDIT_TABLE } from '../../warehouse/index.ts';
import type { HierarchySection } from '../model.ts';

/**
 * The built-in hierarchy reader, on the platform layer's audit chain (`gongshu.audit`): chunks received from
 * child nodes (`push-received`, and `rejected` requests) per node and dataset, and backflow served.
 */
export async function readHierarchy(wh: Warehouse): Promise<HierarchySection> {
  if (!(await wh.hasTable(`${AUDIT_TABLE}`))) {
    return { status: 'not-configured', note: `no ${AUDIT_TABLE} table` };
  }
  try {
    // The time column is `recorded_at` (earlier drafts of the platform layer called it `at`).
    const columns = await wh.all<{ column_name: string }>(
      `SELECT column_name FROM duckdb_columns() WHERE schema_name || '.' || table_name = $1`,
      [AUDIT_TABLE],
    );
    const time = columns.some((c) => c.column_name === 'recorded_at') ? 'recorded_at' : '"at"';
    const pushes = await wh.all<{
      node: string;
      dataset: string;
      batches: number;
      rows: number;
      last: string | null;
      status: string;
    }>(
      `SELECT peer AS node, coalesce(dataset, '') AS dataset, count(DISTINCT batch) AS batches,
              coalesce(sum(rows) FILTER (WHERE action = 'push-received'), 0) AS rows, max(${time}) AS last,
              arg_max(action, seq) AS status
       FROM ${AUDIT_TABLE} WHERE action IN ('push-received', 'rejected') AND peer IS NOT NULL
       GROUP BY ALL ORDER BY 1, 2`,
    );
    const backflow = await wh.all<{
      node: string;
      dataset: string;
      requests: number;
      rows: number;
      last: string | null;
    }>(
      `SELECT peer AS node, coalesce(dataset, '') AS dataset, count(*) AS requests, coalesce(sum(rows), 0) AS rows,
              max(${time}) AS last
       FROM ${AUDIT_TABLE} WHERE action = 'backflow-served' AND peer IS NOT NULL GROUP BY ALL ORDER BY 1, 2`,
    );
    if (pushes.length === 0 && backflow.length === 0) {
      return {
        status: 'not-configured',
        note: `${AUDIT_TABLE} holds no pushes from child nodes and no backflow`,
      };
    }
    return {
      status: 'ok',
      data: {
        pushes: pushes.map((p) => ({
          node: p.node,
          dataset: p.dataset,
          batches: Number(p.batches),
          rows: Number(p.rows),
          lastAt: p.last,
          status: p.status === 'push-received' ? 'acknowledged' : p.status,
        })),
        backflow: backflow.map((b) => ({
          node: b.node,
          dataset: b.dataset,
          requests: Number(b.requests),
          rows: Number(b.rows),
          lastAt: b.last,
        })),
      },
    };
  } catch (error) {
    return {
      status: 'not-configured',
      note: `${AUDIT_TABLE} present but unreadable (${(error as Error).message.split('\n')[0]})`,
    };
  }
}
