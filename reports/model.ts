/**
 * The dashboard model: everything the static site shows, as one JSON document (`report.json`). The quality
 * report is embedded as is; the warehouse adds history, quarantine, drift, loads, the catalog and the sections
 * other layers own (foundations, hierarchy), each of which is either `not-configured` or carries typed data.
 * Rendering is a pure function of this model (`renderSite`), so golden tests feed it fixed JSON.
 */
import { z } from 'zod';
import { QualityReport } from '../schemas/index.ts';
import { EvaluationData } from './evaluation-model.ts';

/** Version of the dashboard model; bumped on breaking changes. */
export const DASHBOARD_SCHEMA_VERSION = 1;

/** One quality run of the node, for the trend chart (`gongshu.quality_runs`). */
export const RunPoint = z.object({
  runId: z.string(),
  at: z.string().meta({ description: 'ISO time the run finished' }),
  asOf: z.string(),
  score: z.number().nullable(),
  status: z.string(),
  rules: z.number().int(),
});
/** A run of the node. */
export type RunPoint = z.output<typeof RunPoint>;

/** A dataset's score in one run (`gongshu.metrics`, metric `score`). */
export const ScorePoint = z.object({ runId: z.string(), at: z.string(), score: z.number().nullable() });
/** A dataset score point. */
export type ScorePoint = z.output<typeof ScorePoint>;

/** Quarantined rows of one reason for the assessed loads; key values masked. */
export const QuarantineReason = z.object({
  reason: z.string(),
  count: z.number().int(),
  samples: z
    .array(z.object({ location: z.string(), key: z.string().nullable() }))
    .meta({ description: 'the first rows (source location, masked key value)' }),
});
/** Quarantine of one reason. */
export type QuarantineReason = z.output<typeof QuarantineReason>;

/** One schema change (`gongshu.schema_changes`). */
export const DriftRow = z.object({
  loadId: z.string(),
  at: z.string(),
  change: z.string(),
  column: z.string(),
  oldType: z.string().nullable(),
  newType: z.string().nullable(),
  action: z.string(),
});
/** A schema change. */
export type DriftRow = z.output<typeof DriftRow>;

/** One load (`gongshu.loads`). */
export const LoadRow = z.object({
  loadId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  connector: z.string(),
  source: z.string().meta({ description: 'file name or URL (directories are not shown)' }),
  writeMode: z.string(),
  status: z.string(),
  rowsRead: z.number(),
  rowsLoaded: z.number(),
  rowsQuarantined: z.number(),
});
/** A load. */
export type LoadRow = z.output<typeof LoadRow>;

/** The quality run a dataset's result comes from (its latest), and a load newer than that run. */
export const Assessed = z.object({
  runId: z.string(),
  at: z.string().meta({ description: 'ISO time the run finished' }),
  newerLoad: z
    .object({ loadId: z.string(), at: z.string() })
    .nullable()
    .meta({ description: 'the latest committed load when it finished after the run (the result is stale)' }),
});
/** Where a dataset's result comes from. */
export type Assessed = z.output<typeof Assessed>;

/** What the warehouse adds to one dataset of the report. */
export const DatasetExtras = z.object({
  assessed: Assessed.optional().meta({
    description: 'the run the result comes from and a newer load; absent: the report’s own run',
  }),
  scoreTrend: z.array(ScorePoint).meta({ description: 'earlier and current scores, oldest first' }),
  quarantine: z.array(QuarantineReason),
  drift: z.array(DriftRow),
  loads: z.array(LoadRow).meta({ description: 'the latest loads, newest first' }),
});
/** Warehouse extras of a dataset. */
export type DatasetExtras = z.output<typeof DatasetExtras>;

/** Problems of a catalog entry the dashboard flags. */
export const CatalogProblem = z.enum([
  'overdue',
  'never-loaded',
  'share-condition-missing',
  'legal-basis-missing',
  'open-condition-missing',
  'review-overdue',
]);
/** A catalog problem. */
export type CatalogProblem = z.output<typeof CatalogProblem>;

/** One catalog entry as the dashboard shows it (enum values raw; labels are applied when rendering). */
export const CatalogItem = z.object({
  dataset: z.string().nullable(),
  code: z.string(),
  name: z.string(),
  provider: z.string(),
  kind: z.string().nullable(),
  shareType: z.string(),
  openType: z.string(),
  updateCycle: z.string(),
  publishedAt: z.string().nullable(),
  securityGrade: z.string(),
  generalSubLevel: z.string().nullable(),
  personalInfo: z.string().nullable(),
  fields: z.number().int(),
  sensitiveFields: z.number().int(),
  lastLoadAt: z.string().nullable(),
  ageDays: z.number().nullable().meta({ description: 'days since the last load, at the report date' }),
  maxAgeDays: z.number().nullable().meta({ description: 'UPDATE_CYCLE_MAX_AGE_DAYS of the update cycle' }),
  problems: z.array(CatalogProblem),
});
/** A catalog item. */
export type CatalogItem = z.output<typeof CatalogItem>;

/** A section another layer owns: not configured on this node, or its data. */
const section = <T extends z.ZodType>(data: T) =>
  z.discriminatedUnion('status', [
    z.object({
      status: z.literal('not-configured'),
      note: z.string().nullable().meta({ description: 'what is missing (e.g. the tables looked for)' }),
    }),
    z.object({ status: z.literal('ok'), data }),
  ]);

/**
 * Foundations (基础库): every foundation (its build, its history size), every field with its authoritative source
 * and the sources compared with it, conflicts per field and department, duplicate collection.
 */
export const FoundationsData = z.object({
  foundations: z.array(
    z.object({
      name: z.string(),
      title: z.string().nullable(),
      key: z
        .string()
        .nullable()
        .meta({ description: 'citizen-id or uscc; null when only the tables are known' }),
      keyColumn: z.string().nullable(),
      fields: z.number().int(),
      builtAt: z.string().nullable().meta({ description: 'ISO time of the last build; null: not built' }),
      mode: z.string().nullable().meta({ description: 'full, incremental or unchanged' }),
      rows: z.number().nullable().meta({ description: 'current rows (one per key)' }),
      closed: z.number().nullable().meta({ description: 'closed versions (foundation.<name>_closed)' }),
      history: z.number().nullable().meta({ description: 'versions in the history: current rows + closed' }),
      conflicts: z.number().nullable(),
    }),
  ),
  sources: z.array(
    z.object({
      foundation: z.string(),
      field: z.string(),
      source: z.string(),
      department: z.string().nullable(),
      column: z
        .string()
        .nullable()
        .meta({ description: 'the source column, or the expression; null when not known' }),
      keyPrefix: z
        .array(z.string())
        .meta({ description: 'the key classes this source is authoritative for' }),
      compared: z
        .array(z.string())
        .meta({ description: 'the other sources holding the field (dataset.column), compared at the build' }),
      conflicts: z.number().meta({ description: 'conflicts recorded for the field' }),
    }),
  ),
  conflicts: z.array(
    z.object({ foundation: z.string(), field: z.string(), department: z.string(), count: z.number() }),
  ),
  duplicates: z.array(
    z.object({
      field: z.string(),
      department: z.string().meta({ description: 'the non-authoritative department collecting it' }),
      authoritative: z.string().meta({ description: 'the authoritative source already holding it' }),
      count: z.number().nullable(),
    }),
  ),
});
/** Foundations data. */
export type FoundationsData = z.output<typeof FoundationsData>;
/** The foundations section. */
export const FoundationsSection = section(FoundationsData);
/** The foundations section. */
export type FoundationsSection = z.output<typeof FoundationsSection>;

/** Hierarchy (层级): pushes per child node and backflow served. Filled by the platform layer. */
export const HierarchyData = z.object({
  pushes: z.array(
    z.object({
      node: z.string().meta({ description: 'the child node id (division code)' }),
      dataset: z.string(),
      batches: z.number(),
      rows: z.number(),
      lastAt: z.string().nullable(),
      status: z.string(),
    }),
  ),
  backflow: z.array(
    z.object({
      node: z.string(),
      dataset: z.string(),
      requests: z.number(),
      rows: z.number(),
      lastAt: z.string().nullable(),
    }),
  ),
});
/** Hierarchy data. */
export type HierarchyData = z.output<typeof HierarchyData>;
/** The hierarchy section. */
export const HierarchySection = section(HierarchyData);
/** The hierarchy section. */
export type HierarchySection = z.output<typeof HierarchySection>;

/**
 * Sharing (共享): requests with due times and overdue flags (emergency first), the catalog's changes and reviews
 * due, usage per department. Filled by the governance layer.
 */
export const SharingData = z.object({
  asOf: z.string().meta({ description: 'the time overdue flags are computed at (Asia/Shanghai)' }),
  requests: z.array(
    z.object({
      id: z.string(),
      status: z.string(),
      dataset: z.string(),
      requesterNode: z.string(),
      requesterDepartment: z.string(),
      provider: z.string(),
      shareType: z.string(),
      emergency: z.string().nullable(),
      submittedAt: z.string(),
      dueAt: z.string().nullable(),
      overdue: z.boolean(),
      grantId: z.string().nullable(),
    }),
  ),
  catalog: z.array(
    z.object({
      problem: z.enum(['update-overdue', 'review-overdue', 'not-catalogued', 'unpublished']),
      code: z.string().nullable(),
      dataset: z.string().nullable(),
      name: z.string().nullable(),
      dueDate: z.string().nullable(),
      overdue: z.boolean(),
      detail: z.string(),
    }),
  ),
  usage: z.array(
    z.object({
      department: z.string(),
      kind: z.string(),
      entries: z.number(),
      rows: z.number(),
      lastAt: z.string(),
    }),
  ),
});
/** Sharing data. */
export type SharingData = z.output<typeof SharingData>;
/** The sharing section. */
export const SharingSection = section(SharingData);
/** The sharing section. */
export type SharingSection = z.output<typeof SharingSection>;
/**
 * Open data and objections (开放与异议, GOVERNANCE B, C): the open catalog with each resource's state and live
 * version, the versions written (superseded ones kept), and the objections (keys masked; overdue flags).
 */
export const OpenDataData = z.object({
  asOf: z.string().meta({ description: 'the time overdue flags are computed at (Asia/Shanghai)' }),
  resources: z.array(
    z.object({
      code: z.string(),
      dataset: z.string(),
      name: z.string(),
      provider: z.string(),
      openType: z.string(),
      updateCycle: z.string(),
      columns: z.array(z.string()).meta({ description: 'the items opened unconditionally' }),
      state: z
        .string()
        .meta({ description: 'open | suspended | refused | unpublished | no-columns | retired' }),
      reason: z.string().nullable(),
      liveVersion: z.number().nullable(),
    }),
  ),
  versions: z.array(
    z.object({
      code: z.string(),
      version: z.number(),
      status: z.string(),
      format: z.string(),
      rows: z.number(),
      liveFrom: z.string(),
      offlineAt: z.string().nullable(),
      consumers: z.number().meta({ description: 'consumers told of this version' }),
    }),
  ),
  objections: z.array(
    z.object({
      id: z.string(),
      dataset: z.string(),
      provider: z.string().nullable(),
      type: z.string(),
      key: z.string().meta({ description: "the record's key, masked" }),
      columns: z.array(z.string()),
      status: z.string(),
      raisedAt: z.string(),
      dueAt: z.string(),
      overdue: z.boolean(),
    }),
  ),
});
/** Open-data data. */
export type OpenDataData = z.output<typeof OpenDataData>;
/** The open-data section. */
export const OpenDataSection = section(OpenDataData);
/** The open-data section. */
export type OpenDataSection = z.output<typeof OpenDataSection>;
/** Backups (备份): per destination, the newest backup and the newest one verified by restoring. Filled by governance. */
export const BackupsData = z.object({
  destinations: z.array(
    z.object({
      name: z.string(),
      offsite: z.boolean(),
      lastBackupAt: z.string().nullable().meta({ description: 'when the newest backup there was made' }),
      lastVerifiedId: z.string().nullable(),
      lastVerifiedAt: z.string().nullable().meta({ description: 'when the newest verified backup was made' }),
      verifiedAt: z.string().nullable().meta({ description: 'when it was verified by restoring' }),
      maxAgeHours: z.number(),
      overdue: z.boolean().meta({ description: 'no verified backup younger than maxAgeHours' }),
    }),
  ),
});
/** Backups data. */
export type BackupsData = z.output<typeof BackupsData>;
/** The backups section. */
export const BackupsSection = section(BackupsData);
/** The backups section. */
export type BackupsSection = z.output<typeof BackupsSection>;

/** The evaluation section (GOVERNANCE.md H, I). */
export const EvaluationSection = section(EvaluationData);
/** The evaluation section. */
export type EvaluationSection = z.output<typeof EvaluationSection>;

/** The whole dashboard model (`report.json`). */
export const DashboardModel = z.object({
  schemaVersion: z.literal(DASHBOARD_SCHEMA_VERSION),
  builtAt: z.string().meta({ description: 'ISO time the dashboard was built' }),
  quality: QualityReport,
  runs: z.array(RunPoint).meta({ description: 'quality runs of the node, oldest first (at most 60)' }),
  datasets: z.record(z.string(), DatasetExtras),
  catalog: section(z.array(CatalogItem)),
  foundations: FoundationsSection,
  hierarchy: HierarchySection,
  sharing: SharingSection.default({ status: 'not-configured', note: null }),
  openData: OpenDataSection.default({ status: 'not-configured', note: null }),
  evaluation: EvaluationSection.optional().meta({
    description:
      'the yearly evaluation (GOVERNANCE.md I); absent when the dashboard was built without the project',
  }),
  backups: BackupsSection.optional().meta({ description: 'absent when the node reports no backup status' }),
  notes: z
    .array(z.string())
    .meta({ description: 'what could not be gathered, e.g. an unreadable warehouse' }),
});
/** The dashboard model. */
export type DashboardModel = z.output<typeof DashboardModel>;
/** The catalog section. */
export type CatalogSection = DashboardModel['catalog'];
