/**
 * What the dashboard shows of open data and objections (GOVERNANCE B, C): the open catalog with each resource's
 * state and live version, every version written, and the objections (keys masked, overdue flags). Read-only.
 */
import type { CatalogProject } from '../../platform/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { shanghaiTime } from '../clock.ts';
import { listObjections } from '../objections/objection-store.ts';
import { type ObjectionView, objectionView } from '../objections/workflow.ts';
import { type OpenResource, openCatalog } from './open-catalog.ts';
import { listResourceVersions, type ResourceVersion } from './resource-versions.ts';

/** Objections shown at most. */
export const DASHBOARD_OBJECTIONS = 200;

/** The open-data summary of a node at a time. */
export interface OpenDataSummary {
  readonly asOf: string;
  readonly resources: readonly OpenResource[];
  readonly versions: readonly ResourceVersion[];
  readonly objections: readonly ObjectionView[];
}

/** Reads the summary as of `at`; `project` supplies the catalog in code (without it, no open catalog is listed). */
export async function openDataSummary(
  wh: Warehouse,
  options: { at: Date; project?: CatalogProject },
): Promise<OpenDataSummary> {
  const resources = await openCatalog({ wh, project: options.project ?? { pipelines: [] } });
  const versions = await listResourceVersions(wh);
  const objections = (await listObjections(wh))
    .map((o) => objectionView(o, options.at))
    // Open ones first (overdue before the others), then the newest.
    .sort(
      (a, b) =>
        Number(b.overdue) - Number(a.overdue) || Number(b.status === 'open') - Number(a.status === 'open'),
    )
    .slice(0, DASHBOARD_OBJECTIONS);
  return { asOf: shanghaiTime(options.at), resources, versions, objections };
}
