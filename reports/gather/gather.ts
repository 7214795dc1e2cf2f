/**
 * Data gathering: the warehouse → the dashboard model. Everything read here is read-only and bounded (the latest
 * runs, loads and changes per dataset); key values from the quarantine are masked by the dataset's key kind, and
 * the whole model goes through `scrubDeep` so no valid citizen identity number survives anywhere in it.
 */

import type { Foundation } from '../../jobs/index.ts';
import type { QualityReport } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import {
  type BackupsSection,
  type CatalogSection,
  DASHBOARD_SCHEMA_VERSION,
  type DashboardModel,
  type DatasetExtras,
  type EvaluationSection,
  type FoundationsSection,
  type HierarchySection,
  type OpenDataSection,
  type RunPoint,
  type SharingSection,
} from '../model.ts';
import { scrubDeep } from '../scrub.ts';
import { readCatalog } from './catalog.ts';
import { readDrift, readLoads, readNewerLoads, readQuarantine } from './dataset-extras.ts';
import { readFoundations } from './foundations.ts';
import { readHierarchy } from './hierarchy.ts';
import { openDataReader } from './open-data.ts';
import { readRuns, readScoreTrends } from './runs.ts';
import { sharingReader } from './sharing.ts';

/** A reader of a section another layer owns; it returns `not-configured` when its tables are absent. */
export type SectionReader<T> = (wh: Warehouse) => Promise<T>;

/** Options of `gatherDashboard`. */
export interface GatherOptions {
  /** The build time (ISO); defaults to now. Tests pin it. */
  readonly now?: string;
  /** Replaces the built-in foundations reader (the jobs layer can plug its own in). */
  readonly foundations?: SectionReader<FoundationsSection>;
  /** The project's foundation definitions: every field with its source, also for foundations not built yet. */
  readonly foundationDefinitions?: readonly Foundation[];
  /** Replaces the built-in hierarchy reader (the platform layer can plug its own in). */
  readonly hierarchy?: SectionReader<HierarchySection>;
  /** Replaces the built-in sharing reader (e.g. one that knows the project's catalog in code). */
  readonly sharing?: SectionReader<SharingSection>;
  /** Replaces the built-in open-data reader (e.g. one that knows the project's catalog in code). */
  readonly openData?: SectionReader<OpenDataSection>;
  /** The yearly evaluation (governance; needs the project's catalog in code); absent → not configured. */
  readonly evaluation?: SectionReader<EvaluationSection>;
  /** The backup status (the governance layer reads it from the node's backup journal); absent → not shown. */
  readonly backups?: (wh: Warehouse | null) => Promise<BackupsSection>;
  /**
   * The run each dataset's result comes from, when the report merges the latest result of each dataset
   * (`latestResults`); defaults to the report's own run.
   */
  readonly assessed?: Readonly<Record<string, { readonly runId: string; readonly at: string }>>;
}

/**
 * Builds the dashboard model of a report, reading history, quarantine, drift, loads and the catalog from the
 * warehouse (`null`: the report alone, with a note). Never writes.
 */
export async function gatherDashboard(
  wh: Warehouse | null,
  report: QualityReport,
  options: GatherOptions = {},
): Promise<DashboardModel> {
  const notes: string[] = [];
  const datasets: Record<string, DatasetExtras> = {};
  for (const d of report.datasets) {
    const from = options.assessed?.[d.dataset] ?? { runId: report.runId, at: report.generatedAt };
    datasets[d.dataset] = {
      assessed: { ...from, newerLoad: null },
      scoreTrend: [{ runId: from.runId, at: from.at, score: d.score }],
      quarantine: Object.entries(d.quarantine.byReason).map(([reason, q]) => ({
        reason,
        count: q.count,
        samples: q.locations.map((location) => ({ location, key: null })),
      })),
      drift: [],
      loads: [],
    };
  }
  const thisRun: RunPoint = {
    runId: report.runId,
    at: report.generatedAt,
    asOf: report.asOf,
    score: report.node?.score ?? null,
    status: report.status,
    rules: report.datasets.reduce((s, d) => s + d.rules.length, 0),
  };
  let runs: RunPoint[] = [thisRun];
  let catalog: CatalogSection = { status: 'not-configured', note: null };
  let foundations: FoundationsSection = { status: 'not-configured', note: null };
  let hierarchy: HierarchySection = { status: 'not-configured', note: null };
  let sharing: SharingSection = { status: 'not-configured', note: null };
  let openData: OpenDataSection = { status: 'not-configured', note: null };
  let evaluation: EvaluationSection | undefined;

  if (wh === null) {
    notes.push('warehouse not available: history, loads, drift and the catalog are not shown');
  } else {
    const until = report.generatedAt;
    const names = report.datasets.map((d) => d.dataset);
    runs = await readRuns(wh, until, thisRun);
    await readScoreTrends(wh, names, until, datasets, report);
    await readQuarantine(wh, report, datasets);
    await readDrift(wh, names, until, datasets);
    await readLoads(wh, names, until, datasets);
    await readNewerLoads(wh, report, datasets);
    catalog = await readCatalog(wh, report.asOf);
    foundations = options.foundations
      ? await options.foundations(wh)
      : await readFoundations(wh, options.foundationDefinitions ?? []);
    hierarchy = await (options.hierarchy ?? readHierarchy)(wh);
    sharing = await (options.sharing ?? sharingReader({ at: new Date(report.generatedAt) }))(wh);
    openData = await (options.openData ?? openDataReader({ at: new Date(report.generatedAt) }))(wh);
    if (options.evaluation) evaluation = await options.evaluation(wh);
  }
  const backups = options.backups ? await options.backups(wh) : undefined;
  return scrubDeep({
    schemaVersion: DASHBOARD_SCHEMA_VERSION,
    builtAt: options.now ?? new Date().toISOString(),
    quality: report,
    runs,
    datasets,
    catalog,
    foundations,
    hierarchy,
    sharing,
    openData,
    ...(evaluation ? { evaluation } : {}),
    ...(backups ? { backups } : {}),
    notes,
  });
}
