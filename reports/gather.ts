/**
 * Data gathering: the warehouse → the dashboard model. Everything read here is read-only and bounded (the latest
 * runs, loads and changes per dataset); key values from the quarantine are masked by the dataset's key kind, and
 * the whole model goes through `scrubDeep` so no valid citizen identity number survives anywhere in it.
 */
import { basename } from 'node:path';
import { z } from 'zod';
import { sharingSummary } from '../governance/index.ts';
import type { CatalogProject } from '../platform/index.ts';
import type { QualityReport } from '../schemas/index.ts';
import {
  inList,
  type MaskKind,
  mask,
  quoteIdent,
  UPDATE_CYCLE_MAX_AGE_DAYS,
  type UpdateCycle,
} from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import { dayIn } from './i18n.ts';
import {
  type CatalogItem,
  type CatalogProblem,
  type CatalogSection,
  DASHBOARD_SCHEMA_VERSION,
  type DashboardModel,
  type DatasetExtras,
  type FoundationsData,
  type FoundationsSection,
  type HierarchySection,
  type LoadRow,
  type RunPoint,
  type SharingSection,
} from './model.ts';
import { scrubDeep } from './scrub.ts';

/** Runs of the node shown in the trend. */
export const TREND_RUNS = 60;
/** Loads shown per dataset. */
export const LOADS_PER_DATASET = 20;
/** Schema changes shown per dataset. */
export const DRIFT_PER_DATASET = 50;
/** Quarantined rows shown per reason. */
export const QUARANTINE_SAMPLES = 10;

/** A reader of a section another layer owns; it returns `not-configured` when its tables are absent. */
export type SectionReader<T> = (wh: Warehouse) => Promise<T>;

/** Options of `gatherDashboard`. */
export interface GatherOptions {
  /** The build time (ISO); defaults to now. Tests pin it. */
  readonly now?: string;
  /** Replaces the built-in foundations reader (the jobs layer can plug its own in). */
  readonly foundations?: SectionReader<FoundationsSection>;
  /** Replaces the built-in hierarchy reader (the platform layer can plug its own in). */
  readonly hierarchy?: SectionReader<HierarchySection>;
  /** Replaces the built-in sharing reader (e.g. one that knows the project's catalog in code). */
  readonly sharing?: SectionReader<SharingSection>;
}

const iso = (ms: unknown): string => new Date(Number(ms)).toISOString();

/** How a key kind is masked. */
function keyMask(kind: string | undefined): MaskKind {
  return kind === 'citizen-id' || kind === 'uscc' ? kind : 'full';
}

/** A load source for display: a file's name, or a URL without credentials or query. */
export function displaySource(source: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    try {
      const u = new URL(source);
      return `${u.protocol}//${u.host}${u.pathname}`;
    } catch {
      return source.replace(/[?#].*$/, '');
    }
  }
  return basename(source);
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
    datasets[d.dataset] = {
      scoreTrend: [{ runId: report.runId, at: report.generatedAt, score: d.score }],
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
    catalog = await readCatalog(wh, report.asOf);
    foundations = await (options.foundations ?? readFoundations)(wh);
    hierarchy = await (options.hierarchy ?? readHierarchy)(wh);
    sharing = await (options.sharing ?? sharingReader({ at: new Date(report.generatedAt) }))(wh);
  }
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
    notes,
  });
}

/**
 * The built-in sharing reader, on the governance layer's tables: requests, catalog problems (with the project's
 * catalog in code when given) and usage per department, as of `at`. Not configured when all are empty.
 */
export function sharingReader(options: {
  at: Date;
  project?: CatalogProject;
}): SectionReader<SharingSection> {
  return async (wh) => {
    const s = await sharingSummary(wh, options);
    if (s.requests.length === 0 && s.catalog.length === 0 && s.usage.length === 0) {
      return {
        status: 'not-configured',
        note: 'no sharing requests, catalog lifecycle or usage entries (gongshu.share_requests, gongshu.catalog_versions, gongshu.usage)',
      };
    }
    return {
      status: 'ok',
      data: {
        asOf: s.asOf,
        requests: s.requests.map((r) => ({
          id: r.id,
          status: r.status,
          dataset: r.dataset,
          requesterNode: r.requesterNode,
          requesterDepartment: r.requesterDepartment,
          provider: r.provider,
          shareType: r.shareType,
          emergency: r.emergency,
          submittedAt: r.submittedAt,
          dueAt: r.dueAt,
          overdue: r.overdue,
          grantId: r.grantId,
        })),
        catalog: s.catalog.map((c) => ({ ...c })),
        usage: s.usage.map((u) => ({ ...u })),
      },
    };
  };
}

async function readRuns(wh: Warehouse, until: string, thisRun: RunPoint): Promise<RunPoint[]> {
  const rows = await wh.all<{
    run_id: string;
    ms: number;
    as_of: string;
    score: number | null;
    status: string;
    rules: number;
  }>(
    `SELECT run_id, epoch_ms(finished_at) AS ms, strftime(as_of, '%Y-%m-%d') AS as_of, score, status, rules
     FROM gongshu_quality_runs WHERE finished_at <= $1::TIMESTAMPTZ + INTERVAL 1 SECOND
     ORDER BY finished_at DESC LIMIT ${TREND_RUNS}`,
    [until],
  );
  const runs: RunPoint[] = rows.reverse().map((r) => ({
    runId: r.run_id,
    at: iso(r.ms),
    asOf: r.as_of,
    score: r.score === null ? null : Number(r.score),
    status: r.status,
    rules: Number(r.rules),
  }));
  const i = runs.findIndex((r) => r.runId === thisRun.runId);
  if (i >= 0) runs[i] = thisRun;
  else runs.push(thisRun);
  return runs.slice(-TREND_RUNS);
}

async function readScoreTrends(
  wh: Warehouse,
  names: readonly string[],
  until: string,
  datasets: Record<string, DatasetExtras>,
  report: QualityReport,
): Promise<void> {
  if (names.length === 0) return;
  const rows = await wh.all<{ dataset: string; run_id: string; ms: number; value: number | null }>(
    `SELECT dataset, run_id, epoch_ms(measured_at) AS ms, value FROM gongshu_metrics
     WHERE metric = 'score' AND dataset IN ${inList(names)}
       AND measured_at <= $1::TIMESTAMPTZ + INTERVAL 1 SECOND AND run_id <> $2
     QUALIFY row_number() OVER (PARTITION BY dataset ORDER BY measured_at DESC) < ${TREND_RUNS}
     ORDER BY dataset, measured_at`,
    [until, report.runId],
  );
  for (const r of rows) {
    const extras = datasets[r.dataset];
    if (!extras) continue;
    // Keep the current run last.
    extras.scoreTrend.splice(extras.scoreTrend.length - 1, 0, {
      runId: r.run_id,
      at: iso(r.ms),
      score: r.value === null ? null : Number(r.value),
    });
  }
}

async function readQuarantine(
  wh: Warehouse,
  report: QualityReport,
  datasets: Record<string, DatasetExtras>,
): Promise<void> {
  const loads = report.datasets.flatMap((d) => d.loads);
  if (loads.length === 0) return;
  const rows = await wh.all<{ dataset: string; reason: string; location: string; key_value: string | null }>(
    `SELECT dataset, reason, source_location AS location, key_value FROM gongshu_quarantine
     WHERE load_id IN ${inList(loads)} AND replayed_load_id IS NULL
     QUALIFY row_number() OVER (PARTITION BY dataset, reason ORDER BY rowid) <= ${QUARANTINE_SAMPLES}
     ORDER BY dataset, reason, rowid`,
  );
  const kinds = new Map(report.datasets.map((d) => [d.dataset, keyMask(d.key?.kind)]));
  const samples = new Map<string, { location: string; key: string | null }[]>();
  for (const r of rows) {
    const k = `${r.dataset}\u0000${r.reason}`;
    const list = samples.get(k) ?? [];
    list.push({ location: r.location, key: mask(kinds.get(r.dataset) ?? 'full', r.key_value) });
    samples.set(k, list);
  }
  for (const [name, extras] of Object.entries(datasets)) {
    for (const q of extras.quarantine) {
      const got = samples.get(`${name}\u0000${q.reason}`);
      if (got) q.samples = got;
    }
    extras.quarantine.sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
  }
}

async function readDrift(
  wh: Warehouse,
  names: readonly string[],
  until: string,
  datasets: Record<string, DatasetExtras>,
): Promise<void> {
  if (names.length === 0) return;
  const rows = await wh.all<{
    dataset: string;
    load_id: string;
    ms: number;
    change: string;
    column_name: string;
    old_type: string | null;
    new_type: string | null;
    action: string;
  }>(
    `SELECT dataset, load_id, epoch_ms(recorded_at) AS ms, change, column_name, old_type, new_type, action
     FROM gongshu_schema_changes
     WHERE dataset IN ${inList(names)} AND recorded_at <= $1::TIMESTAMPTZ + INTERVAL 1 SECOND
     QUALIFY row_number() OVER (PARTITION BY dataset ORDER BY recorded_at DESC) <= ${DRIFT_PER_DATASET}
     ORDER BY dataset, recorded_at DESC, column_name`,
    [until],
  );
  for (const r of rows) {
    datasets[r.dataset]?.drift.push({
      loadId: r.load_id,
      at: iso(r.ms),
      change: r.change,
      column: r.column_name,
      oldType: r.old_type,
      newType: r.new_type,
      action: r.action,
    });
  }
}

async function readLoads(
  wh: Warehouse,
  names: readonly string[],
  until: string,
  datasets: Record<string, DatasetExtras>,
): Promise<void> {
  if (names.length === 0) return;
  const rows = await wh.all<{
    dataset: string;
    load_id: string;
    started: number;
    finished: number;
    connector: string;
    source: string;
    write_mode: string;
    status: string;
    rows_read: number;
    rows_loaded: number;
    rows_quarantined: number;
  }>(
    `SELECT dataset, load_id, epoch_ms(started_at) AS started, epoch_ms(finished_at) AS finished, connector,
            source, write_mode, status, rows_read, rows_loaded, rows_quarantined
     FROM gongshu_loads
     WHERE dataset IN ${inList(names)} AND started_at <= $1::TIMESTAMPTZ + INTERVAL 1 SECOND
     QUALIFY row_number() OVER (PARTITION BY dataset ORDER BY started_at DESC) <= ${LOADS_PER_DATASET}
     ORDER BY dataset, started_at DESC`,
    [until],
  );
  for (const r of rows) {
    const load: LoadRow = {
      loadId: r.load_id,
      startedAt: iso(r.started),
      finishedAt: iso(r.finished),
      connector: r.connector,
      source: displaySource(r.source),
      writeMode: r.write_mode,
      status: r.status,
      rowsRead: Number(r.rows_read),
      rowsLoaded: Number(r.rows_loaded),
      rowsQuarantined: Number(r.rows_quarantined),
    };
    datasets[r.dataset]?.loads.push(load);
  }
}

/** The catalog fields the dashboard reads, leniently: a stored entry of an older shape still shows. */
const StoredEntry = z.looseObject({
  dataset: z.string().optional(),
  code: z.string().catch('?'),
  name: z.string().catch('?'),
  provider: z.looseObject({ name: z.string().catch('?') }).catch({ name: '?' }),
  classification: z.looseObject({ kind: z.string().optional() }).optional().catch(undefined),
  fields: z.array(z.looseObject({ sensitive: z.boolean().optional() })).catch([]),
  shareType: z.string().catch('?'),
  shareCondition: z.string().optional().catch(undefined),
  legalBasis: z.string().optional().catch(undefined),
  openType: z.string().catch('?'),
  openCondition: z.string().optional().catch(undefined),
  updateCycle: z.string().catch('irregular'),
  publishedAt: z.string().optional().catch(undefined),
  securityGrade: z.string().catch('?'),
  generalSubLevel: z.string().optional().catch(undefined),
  personalInfo: z.string().optional().catch(undefined),
  reviewDueAt: z.string().optional().catch(undefined),
});

/** Whole days from one calendar day (YYYY-MM-DD) to another. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The problems the dashboard flags on a stored catalog entry, at the report date. */
export function catalogProblems(
  e: z.output<typeof StoredEntry>,
  ageDays: number | null,
  maxAgeDays: number | null,
  asOf: string,
): CatalogProblem[] {
  const p: CatalogProblem[] = [];
  if (ageDays === null) p.push('never-loaded');
  else if (maxAgeDays !== null && ageDays > maxAgeDays) p.push('overdue');
  if (e.shareType === 'conditional' && !e.shareCondition) p.push('share-condition-missing');
  if ((e.shareType === 'conditional' || e.shareType === 'none') && !e.legalBasis)
    p.push('legal-basis-missing');
  if (e.openType === 'conditional' && !e.openCondition) p.push('open-condition-missing');
  if (e.reviewDueAt && e.reviewDueAt < asOf) p.push('review-overdue');
  return p;
}

async function readCatalog(wh: Warehouse, asOf: string): Promise<CatalogSection> {
  const rows = await wh.all<{ dataset: string; catalog: string | null; last_ms: number | null }>(
    `SELECT d.dataset, CAST(d.catalog AS VARCHAR) AS catalog, epoch_ms(max(l.finished_at)) AS last_ms
     FROM gongshu_datasets d LEFT JOIN gongshu_loads l ON l.dataset = d.dataset
     WHERE d.catalog IS NOT NULL GROUP BY d.dataset, d.catalog ORDER BY d.dataset`,
  );
  const items: CatalogItem[] = [];
  for (const r of rows) {
    let raw: unknown;
    try {
      raw = JSON.parse(r.catalog ?? 'null');
    } catch {
      continue;
    }
    const parsed = StoredEntry.safeParse(raw);
    if (!parsed.success) continue;
    const e = parsed.data;
    const lastLoadAt = r.last_ms === null ? null : iso(r.last_ms);
    const ageDays = lastLoadAt === null ? null : daysBetween(dayIn(lastLoadAt), asOf);
    const maxAgeDays = UPDATE_CYCLE_MAX_AGE_DAYS[e.updateCycle as UpdateCycle] ?? null;
    items.push({
      dataset: e.dataset ?? r.dataset,
      code: e.code,
      name: e.name,
      provider: e.provider.name,
      kind: e.classification?.kind ?? null,
      shareType: e.shareType,
      openType: e.openType,
      updateCycle: e.updateCycle,
      publishedAt: e.publishedAt ?? null,
      securityGrade: e.securityGrade,
      generalSubLevel: e.generalSubLevel ?? null,
      personalInfo: e.personalInfo ?? null,
      fields: e.fields.length,
      sensitiveFields: e.fields.filter((f) => f.sensitive).length,
      lastLoadAt,
      ageDays,
      maxAgeDays,
      problems: catalogProblems(e, ageDays, maxAgeDays, asOf),
    });
  }
  items.sort((a, b) => a.code.localeCompare(b.code) || a.name.localeCompare(b.name));
  return items.length ? { status: 'ok', data: items } : { status: 'not-configured', note: null };
}

/**
 * The built-in foundations reader, on the jobs layer's tables: `gongshu_foundations` (one row per built
 * foundation) and `foundation.<name>_conflicts` (key, field, source, value, other_source, other_value). Sources
 * per field and duplicate collection are derived from the conflict rows: a field another department also
 * collects shows up there whenever its values disagree. A reader with the full definitions can replace this one.
 */
export async function readFoundations(wh: Warehouse): Promise<FoundationsSection> {
  if (!(await wh.hasTable('gongshu_foundations'))) {
    return { status: 'not-configured', note: 'no gongshu_foundations table (no foundation was built)' };
  }
  try {
    const built = await wh.all<{ foundation: string }>(
      'SELECT foundation FROM gongshu_foundations ORDER BY foundation',
    );
    if (built.length === 0) return { status: 'not-configured', note: 'gongshu_foundations is empty' };
    const departments = new Map(
      (
        await wh.all<{ dataset: string; provider: string | null }>(
          `SELECT dataset, json_extract_string(catalog, '$.provider.name') AS provider FROM gongshu_datasets`,
        )
      ).map((r) => [r.dataset, r.provider]),
    );
    const dept = (dataset: string) => departments.get(dataset) ?? dataset;
    const data: FoundationsData = { sources: [], conflicts: [], duplicates: [] };
    for (const { foundation } of built) {
      const table = `foundation.${foundation}_conflicts`;
      if (!(await wh.hasTable(table))) continue;
      const rows = await wh.all<{ field: string; source: string; other: string; n: number }>(
        `SELECT field, source, other_source AS other, count(*) AS n FROM foundation.${quoteIdent(`${foundation}_conflicts`)}
         GROUP BY ALL ORDER BY field, n DESC, other`,
      );
      const seen = new Set<string>();
      for (const r of rows) {
        const n = Number(r.n);
        if (!seen.has(`${r.field}\u0000${r.source}`)) {
          seen.add(`${r.field}\u0000${r.source}`);
          data.sources.push({
            foundation,
            field: r.field,
            source: r.source,
            department: departments.get(r.source) ?? null,
          });
        }
        data.conflicts.push({ foundation, field: r.field, department: dept(r.other), count: n });
        data.duplicates.push({
          field: r.field,
          department: dept(r.other),
          authoritative: dept(r.source),
          count: n,
        });
      }
    }
    return { status: 'ok', data };
  } catch (error) {
    return {
      status: 'not-configured',
      note: `foundation tables present but unreadable (${(error as Error).message.split('\n')[0]})`,
    };
  }
}

/**
 * The built-in hierarchy reader, on the platform layer's audit chain (`gongshu_audit`): chunks received from
 * child nodes (`push-received`, and `rejected` requests) per node and dataset, and backflow served.
 */
export async function readHierarchy(wh: Warehouse): Promise<HierarchySection> {
  if (!(await wh.hasTable('gongshu_audit'))) {
    return { status: 'not-configured', note: 'no gongshu_audit table' };
  }
  try {
    // The time column is `recorded_at` (earlier drafts of the platform layer called it `at`).
    const columns = await wh.all<{ column_name: string }>(
      `SELECT column_name FROM duckdb_columns() WHERE schema_name = 'main' AND table_name = 'gongshu_audit'`,
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
       FROM gongshu_audit WHERE action IN ('push-received', 'rejected') AND peer IS NOT NULL
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
       FROM gongshu_audit WHERE action = 'backflow-served' AND peer IS NOT NULL GROUP BY ALL ORDER BY 1, 2`,
    );
    if (pushes.length === 0 && backflow.length === 0) {
      return {
        status: 'not-configured',
        note: 'gongshu_audit holds no pushes from child nodes and no backflow',
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
      note: `gongshu_audit present but unreadable (${(error as Error).message.split('\n')[0]})`,
    };
  }
}
