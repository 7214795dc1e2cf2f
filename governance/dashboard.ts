/**
 * What the dashboard shows of governance: requests (waiting emergency ones first, with due times and overdue
 * flags), the catalog's changes and reviews due, and usage per department. Read-only.
 */
import type { CatalogProject } from '../platform/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import { type CatalogProblem, catalogProblems } from './catalog-lifecycle/problems.ts';
import { shanghaiTime } from './clock.ts';
import { listRequests, type RequestView } from './requests/workflow.ts';
import { listUsageEntries, type UsageKind } from './usage/usage-store.ts';

/** Requests shown at most. */
export const DASHBOARD_REQUESTS = 200;

/** Usage of one department and kind. */
export interface UsageRollup {
  readonly department: string;
  readonly kind: UsageKind;
  readonly entries: number;
  readonly rows: number;
  readonly lastAt: string;
}

/** The governance summary of a node at a time. */
export interface SharingSummary {
  readonly asOf: string;
  readonly requests: readonly RequestView[];
  readonly catalog: readonly CatalogProblem[];
  readonly usage: readonly UsageRollup[];
}

/** Reads the summary as of `at`; `project` supplies the catalog in code (without it, only stored versions count). */
export async function sharingSummary(
  wh: Warehouse,
  options: { at: Date; project?: CatalogProject },
): Promise<SharingSummary> {
  const ctx = { wh, project: options.project ?? { pipelines: [] } };
  const requests = (await listRequests(ctx, { at: options.at })).slice(0, DASHBOARD_REQUESTS);
  const catalog = await catalogProblems(ctx, { at: options.at });
  const groups = new Map<string, UsageRollup>();
  for (const e of await listUsageEntries(wh)) {
    const department = e.department ?? '—';
    const key = `${department}\u0000${e.kind}`;
    const g = groups.get(key);
    const at = shanghaiTime(new Date(e.at));
    groups.set(key, {
      department,
      kind: e.kind,
      entries: (g?.entries ?? 0) + 1,
      rows: (g?.rows ?? 0) + (e.rows ?? 0),
      lastAt: g && g.lastAt > at ? g.lastAt : at,
    });
  }
  const usage = [...groups.values()].sort(
    (a, b) => a.department.localeCompare(b.department) || a.kind.localeCompare(b.kind),
  );
  return { asOf: shanghaiTime(options.at), requests, catalog, usage };
}
