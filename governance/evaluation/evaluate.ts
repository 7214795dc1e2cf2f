/**
 * The yearly evaluation (第六条、第二十七条、第三十九条、第四十四条; GOVERNANCE.md I): per department, what it catalogues,
 * collects, provides and uses, its quality and timeliness, its requests and objections, and the article-44 failures
 * (missing catalog entries, repeated collection, overdue requests, overdue catalog updates, unresolved objections).
 * A department is the provider named by a catalog entry; datasets without an entry are counted under
 * `department: null` (未编目). The region folds in the evaluations its children sent with their pushes. Read-only;
 * figures only, no personal data (it travels upward with pushes).
 */
import type { Foundation } from '../../jobs/index.ts';
import {
  type CatalogProject,
  listAudit,
  listReceivedSummaries,
  type NodeSummary,
} from '../../platform/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import { LOADS_TABLE, METRICS_TABLE } from '../../warehouse/index.ts';
import type { DestinationStatus } from '../backups/status.ts';
import { catalogProblems } from '../catalog-lifecycle/problems.ts';
import { listCatalogReviews } from '../catalog-lifecycle/reviews.ts';
import { listCatalogVersions } from '../catalog-lifecycle/versions.ts';
import { endOfShanghaiDay, shanghaiDate, shanghaiTime } from '../clock.ts';
import { codeCatalog, uncataloguedDatasets } from '../context.ts';
import { oneSourceReport } from '../one-source/duplicates.ts';
import { listGrants } from '../requests/grant-store.ts';
import { listShareRequests } from '../requests/request-store.ts';
import { requestView } from '../requests/workflow.ts';
import { listUsageEntries } from '../usage/usage-store.ts';
import { type ObjectionCounter, probeObjectionCounts } from './objection-counts.ts';

/** The summary kind an evaluation travels under in push manifests. */
export const EVALUATION_SUMMARY = 'evaluation';

/** The article-44 failures of a department (第四十四条): what the dashboard lists, exactly. */
export interface Article44Failures {
  /** Datasets without a catalog entry, or whose entry is not published (未按规定编目). */
  readonly missingCatalogEntries: number;
  /** Data elements collected again although another department holds them authoritatively (重复采集). */
  readonly repeatedCollection: number;
  /** Sharing requests this department owes an answer to, past due (逾期未答复). */
  readonly overdueRequests: number;
  /** Catalog updates past their 15-working-day due date (目录逾期未更新). */
  readonly overdueCatalogUpdates: number;
  /** Objections to its data not resolved (null when objections are not recorded on this node). */
  readonly unresolvedObjections: number | null;
}

/** The evaluation of one department for one year. */
export interface DepartmentEvaluation {
  /** The provider department of the catalog entries, or null for datasets without an entry. */
  readonly department: string | null;
  readonly datasets: readonly string[];
  readonly catalog: {
    /** Entries defined in code, entries with a published version, update-overdue and missing ones. */
    readonly entries: number;
    readonly published: number;
    readonly overdueUpdates: number;
    readonly missing: number;
  };
  /** Loads committed in the year: rows read, loaded and quarantined. */
  readonly collected: {
    readonly loads: number;
    readonly rowsRead: number;
    readonly rowsLoaded: number;
    readonly rowsQuarantined: number;
  };
  /** Quality of its datasets over the year's quality runs (null without a run). */
  readonly quality: {
    /** Mean dataset score (0–100) of the year's last run, and its change since the year's first run. */
    readonly score: number | null;
    readonly trend: number | null;
    /** Share (%) of the year's dataset measurements whose timeliness rules all passed (freshness compliance). */
    readonly freshness: number | null;
    readonly runs: number;
  };
  /** What it provided: rows pushed upward and shared, requests it answered and how many on time. */
  readonly provided: {
    readonly rowsPushed: number;
    readonly rowsShared: number;
    /** Rows published as open data (open exports of its resources, 第二十四条). */
    readonly rowsOpened: number;
    readonly requestsReceived: number;
    readonly requestsAnswered: number;
    readonly answeredOnTime: number;
    /** On-time share (%) of the answered requests, null when none was answered. */
    readonly onTimePercent: number | null;
  };
  /** What it used: requests it made, grants it holds from them, rows it received. */
  readonly used: {
    readonly requestsMade: number;
    readonly grants: number;
    readonly rowsReceived: number;
  };
  /** Objections to its data (null when objections are not recorded on this node). */
  readonly objections: {
    readonly raised: number;
    readonly resolved: number;
    readonly resolvedOnTime: number;
    readonly unresolved: number;
    readonly overdue: number;
  } | null;
  /** Data elements it collects although another department is their authoritative source. */
  readonly duplicates: { readonly elements: readonly string[]; readonly disagreeing: number };
  /** Security (第三十四条): grading and secrecy reviews of its entries, and the node's backups of its data. */
  readonly security: {
    /** Its datasets with a security grade (a catalog entry), of all its datasets, and the share (%). */
    readonly graded: number;
    readonly datasets: number;
    readonly gradeCoverage: number | null;
    readonly grades: { readonly core: number; readonly important: number; readonly general: number };
    /** Entries whose yearly secrecy review (安全评估) was recorded in the year; the newest review date. */
    readonly reviewed: number;
    readonly lastAssessment: string | null;
    /**
     * The newest backup verified by restoring (any destination, and off-site), as made (ISO UTC), and whether a
     * destination is overdue; null when the evaluation was not given the node's backup status.
     */
    readonly backup: {
      readonly lastVerified: string | null;
      readonly offsiteVerified: string | null;
      readonly overdue: boolean;
    } | null;
  };
  readonly failures: Article44Failures;
}

/** A child's evaluation as received with its pushes. */
export interface ChildEvaluation {
  readonly node: string;
  readonly receivedAt: string;
  readonly evaluation: Evaluation;
}

/** The yearly evaluation of a node, with its children's folded in. */
export interface Evaluation {
  readonly year: number;
  readonly node: { readonly id: string; readonly name: string | null; readonly level: string | null };
  /** When it was computed (Asia/Shanghai): figures are as of then, or the year's end if earlier. */
  readonly asOf: string;
  readonly departments: readonly DepartmentEvaluation[];
  /** Node totals of the article-44 failures (this node's departments only). */
  readonly failures: Article44Failures;
  /** The node's backup destinations (newest verified backup, overdue); null when not given or not configured. */
  readonly backups:
    | readonly {
        readonly name: string;
        readonly offsite: boolean;
        readonly lastVerified: string | null;
        readonly verifiedAt: string | null;
        readonly overdue: boolean;
      }[]
    | null;
  /** The evaluations the children sent with their pushes (each with its own children, multi-hop). */
  readonly children: readonly ChildEvaluation[];
}

/** What the evaluation reads of a project. */
export interface EvaluationProject extends CatalogProject {
  readonly foundations?: readonly Foundation[];
}

/** Options of `evaluateYear`. */
export interface EvaluateOptions {
  readonly year: number;
  /** The time of the evaluation (default now): the figures of a year not over stop there. */
  readonly at?: Date;
  readonly node: {
    readonly id: string;
    readonly name?: string | undefined;
    readonly level?: string | undefined;
  };
  /** How objections are counted (default: the system table `objections`, when present). */
  readonly objections?: ObjectionCounter;
  /** The status of the node's backup destinations (governance/backups `backupStatus`); null: not configured. */
  readonly backups?: readonly DestinationStatus[] | null;
}

const inYear = (iso: string | null | undefined, year: number): boolean =>
  iso !== null && iso !== undefined && shanghaiDate(new Date(iso)).startsWith(`${year}-`);

const pct = (n: number, of: number): number | null => (of === 0 ? null : Math.round((1000 * n) / of) / 10);
const round1 = (n: number): number => Math.round(n * 10) / 10;

/** Accumulators by department (null: datasets without a catalog entry), and the department of a dataset. */
interface Tally {
  readonly get: (department: string | null | undefined) => Acc | undefined;
  readonly depOf: (dataset: string | null | undefined) => string | null | undefined;
  readonly acc: Map<string | null, Acc>;
}

/** Departments and their datasets: the provider of each pipeline's catalog entry (the node's own pipelines). */
function tallyOf(project: EvaluationProject): Tally {
  const departmentOf = new Map<string, string | null>();
  for (const p of project.pipelines ?? []) {
    departmentOf.set(p.dataset.name, p.dataset.catalog?.provider.name ?? null);
  }
  const acc = new Map<string | null, Acc>([...new Set(departmentOf.values())].map((d) => [d, emptyAcc()]));
  const get = (d: string | null | undefined) => (d === undefined ? undefined : acc.get(d));
  for (const [dataset, d] of departmentOf) get(d)!.datasets.push(dataset);
  const depOf = (dataset: string | null | undefined) =>
    dataset === null || dataset === undefined ? undefined : departmentOf.get(dataset);
  return { get, depOf, acc };
}

/** Catalog: entries in code, published versions, overdue updates, missing entries; grades and secrecy reviews. */
async function tallyCatalog(wh: Warehouse, project: EvaluationProject, t: Tally, year: number, at: Date) {
  const versions = await listCatalogVersions(wh);
  const reviews = await listCatalogReviews(wh);
  for (const { dataset, layer, entry } of codeCatalog(project).values()) {
    const a = layer === 'dataset' ? t.get(t.depOf(dataset)) : undefined;
    if (!a) continue;
    a.entries++;
    a.grades[entry.securityGrade]++;
    if (
      versions.some(
        (v) => v.code === entry.code && v.publishedAt !== null && v.publishedAt <= shanghaiTime(at),
      )
    )
      a.published++;
    // The yearly secrecy review (第十九条) is the department's security assessment of the entry.
    const mine = reviews.filter((r) => r.code === entry.code && Date.parse(r.reviewedAt) <= at.getTime());
    if (mine.some((r) => inYear(r.reviewedAt, year))) a.reviewed++;
    const last = mine
      .map((r) => shanghaiDate(new Date(r.reviewedAt)))
      .sort()
      .at(-1);
    if (last && (a.lastReview === null || last > a.lastReview)) a.lastReview = last;
  }
  for (const p of await catalogProblems({ wh, project }, { at, horizonDays: 0 })) {
    const a = t.get(t.depOf(p.dataset));
    if (!a || !p.overdue) continue;
    if (p.problem === 'update-overdue') a.overdueUpdates++;
    if (p.problem === 'unpublished') a.missing++;
  }
  // Datasets without an entry (第六条) are the missing entries of the uncatalogued group.
  const uncatalogued = t.get(null);
  if (uncatalogued) uncatalogued.missing = uncataloguedDatasets(project).length;
}

/** Collection (the load ledger of the year) and quality (dataset scores and timeliness of the year's runs). */
async function tallyLoadsAndQuality(wh: Warehouse, t: Tally, year: number) {
  const loads = await wh.all<{
    dataset: string;
    loads: number;
    rows_read: number;
    rows_loaded: number;
    rows_quarantined: number;
  }>(
    `SELECT dataset, count(*) AS loads, sum(rows_read) AS rows_read, sum(rows_loaded) AS rows_loaded,
       sum(rows_quarantined) AS rows_quarantined
     FROM ${LOADS_TABLE}
     WHERE status = 'committed' AND year(timezone('Asia/Shanghai', finished_at)) = $1
     GROUP BY dataset`,
    [year],
  );
  for (const l of loads) {
    const a = t.get(t.depOf(l.dataset));
    if (!a) continue;
    a.loads += Number(l.loads);
    a.rowsRead += Number(l.rows_read);
    a.rowsLoaded += Number(l.rows_loaded);
    a.rowsQuarantined += Number(l.rows_quarantined);
  }
  const metrics = await wh.all<{ run_id: string; dataset: string; metric: string; value: number | null }>(
    `SELECT run_id, dataset, metric, value FROM ${METRICS_TABLE}
     WHERE (metric = 'score' OR (metric = 'dimension' AND name = 'timeliness'))
       AND year(timezone('Asia/Shanghai', measured_at)) = $1
     ORDER BY measured_at, run_id`,
    [year],
  );
  for (const m of metrics) {
    const a = t.get(t.depOf(m.dataset));
    if (!a || m.value === null) continue;
    if (m.metric === 'score') {
      const runs = a.scores.get(m.run_id) ?? [];
      runs.push(Number(m.value));
      a.scores.set(m.run_id, runs);
    } else {
      a.timeliness++;
      if (Number(m.value) >= 100) a.timelinessMet++;
    }
  }
}

/** Requests received as provider and made as requester (submitted in the year). */
async function tallyRequests(wh: Warehouse, t: Tally, year: number, at: Date, node: string) {
  const grants = await listGrants(wh);
  for (const r of await listShareRequests(wh)) {
    if (!inYear(r.submittedAt, year)) continue;
    const provider = t.get(t.depOf(r.dataset));
    if (provider) {
      provider.received++;
      const due = r.providerDue ?? r.conformityDue;
      const answeredAt = r.decidedAt;
      if (answeredAt !== null && Date.parse(answeredAt) <= at.getTime()) {
        provider.answered++;
        if (Date.parse(answeredAt) <= Date.parse(due)) provider.onTime++;
      }
      const view = requestView(
        r,
        grants.find((g) => g.requestId === r.id),
        at,
      );
      if (view.overdue) provider.overdueRequests++;
    }
    const requester = t.get(r.requester.department);
    if (requester && r.requester.node === node) {
      requester.made++;
      if (r.grantId !== null) requester.grants++;
    }
  }
}

/** Rows provided, opened and received: the usage log and the push audit of the year. */
async function tallyRowsMoved(wh: Warehouse, t: Tally, year: number, at: Date) {
  for (const u of await listUsageEntries(wh)) {
    if (!inYear(u.at, year) || Date.parse(u.at) > at.getTime()) continue;
    if (u.kind === 'export' || u.kind === 'backflow-served') {
      const a = t.get(t.depOf(u.dataset));
      if (a) a.rowsShared += u.rows ?? 0;
    }
    if (u.kind === 'open-export') {
      const a = t.get(t.depOf(u.dataset));
      if (a) a.rowsOpened += u.rows ?? 0;
    }
    if (u.kind === 'export' || u.kind === 'backflow-received') {
      const a = t.get(u.department);
      if (a) a.rowsReceived += u.rows ?? 0;
    }
  }
  for (const e of await listAudit(wh, { action: 'push-sent' })) {
    if (!inYear(e.recorded_at, year) || e.details?.includes('"duplicate":true')) continue;
    const a = t.get(t.depOf(e.dataset));
    if (a) a.rowsPushed += Number(e.rows ?? 0);
  }
}

/** Objections (through the counter; false when not recorded) and repeated collection (one data, one source). */
async function tallyObjectionsAndDuplicates(
  wh: Warehouse,
  project: EvaluationProject,
  t: Tally,
  options: EvaluateOptions,
  at: Date,
): Promise<boolean> {
  const objections = await (options.objections ?? probeObjectionCounts)(wh, { year: options.year, at });
  for (const o of objections ?? []) {
    const a = t.get(t.depOf(o.dataset));
    if (!a) continue;
    a.objections.raised += o.raised;
    a.objections.resolved += o.resolved;
    a.objections.resolvedOnTime += o.resolvedOnTime;
    a.objections.unresolved += o.unresolved;
    a.objections.overdue += o.overdue;
  }
  const oneSource = await oneSourceReport(wh, project);
  for (const d of oneSource.duplicates) {
    const a = t.acc.get(d.department);
    if (!a) continue;
    a.elements.add(`${d.dataset}:${d.element}`);
    a.disagreeing += d.disagreeing ?? 0;
  }
  return objections !== null;
}

/** Evaluates a year of this node, per department, and folds in the children's evaluations. */
export async function evaluateYear(
  ctx: { wh: Warehouse; project: EvaluationProject },
  options: EvaluateOptions,
): Promise<Evaluation> {
  const { wh, project } = ctx;
  const { year } = options;
  if (!Number.isInteger(year) || year < 2000 || year > 2100) {
    throw new RangeError(`evaluate: expected a year such as 2026; got ${year}`);
  }
  const now = options.at ?? new Date();
  const at = new Date(Math.min(now.getTime(), endOfShanghaiDay(`${year}-12-31`).getTime()));
  const t = tallyOf(project);
  await tallyCatalog(wh, project, t, year, at);
  await tallyLoadsAndQuality(wh, t, year);
  await tallyRequests(wh, t, year, at, options.node.id);
  await tallyRowsMoved(wh, t, year, at);
  const objectionsRecorded = await tallyObjectionsAndDuplicates(wh, project, t, options, at);
  const backups = backupFacts(options.backups);
  const departments = [...t.acc.entries()]
    .map(([department, a]) => finish(department, a, objectionsRecorded, backups))
    .sort((x, y) =>
      x.department === null ? 1 : y.department === null ? -1 : x.department.localeCompare(y.department),
    );
  // A child's summary is its own statement, signed by it: only ones of the evaluation's shape are folded in.
  const children = (await listReceivedSummaries(wh, { kind: EVALUATION_SUMMARY, period: String(year) }))
    .filter((s) => isEvaluation(s.body, year))
    .map((s) => ({ node: s.node, receivedAt: s.receivedAt, evaluation: s.body as unknown as Evaluation }));
  return {
    year,
    node: { id: options.node.id, name: options.node.name ?? null, level: options.node.level ?? null },
    asOf: shanghaiTime(at),
    departments,
    failures: sumFailures(departments.map((d) => d.failures)),
    backups:
      options.backups?.map((d) => ({
        name: d.name,
        offsite: d.offsite,
        lastVerified: d.lastVerified?.createdAt ?? null,
        verifiedAt: d.lastVerified?.verifiedAt ?? null,
        overdue: d.overdue,
      })) ?? null,
    children,
  };
}

/** The node's backups as each department's data has them (every department's tables are in every backup). */
interface BackupFacts {
  readonly lastVerified: string | null;
  readonly offsiteVerified: string | null;
  readonly overdue: boolean;
}

function backupFacts(status: readonly DestinationStatus[] | null | undefined): BackupFacts | null {
  if (!status) return null;
  const newest = (ds: readonly DestinationStatus[]) =>
    ds
      .map((d) => d.lastVerified?.createdAt)
      .filter((x): x is string => x !== undefined)
      .sort()
      .at(-1) ?? null;
  return {
    lastVerified: newest(status),
    offsiteVerified: newest(status.filter((d) => d.offsite)),
    overdue: status.length === 0 || status.some((d) => d.overdue),
  };
}

const FAILURE_KEYS = [
  'missingCatalogEntries',
  'repeatedCollection',
  'overdueRequests',
  'overdueCatalogUpdates',
] as const;

function isFailures(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const f = v as Record<string, unknown>;
  return (
    FAILURE_KEYS.every((k) => typeof f[k] === 'number') &&
    (f.unresolvedObjections === null || typeof f.unresolvedObjections === 'number')
  );
}

/** Whether a received summary has the shape of an evaluation of `year` (departments, failures, children). */
export function isEvaluation(body: Record<string, unknown>, year: number): boolean {
  const node = body.node as Record<string, unknown> | null | undefined;
  return (
    body.year === year &&
    typeof node?.id === 'string' &&
    typeof body.asOf === 'string' &&
    isFailures(body.failures) &&
    Array.isArray(body.children) &&
    Array.isArray(body.departments) &&
    (body.departments as unknown[]).every((d) => {
      const r = d as Record<string, unknown> | null;
      return (
        typeof r === 'object' &&
        r !== null &&
        (r.department === null || typeof r.department === 'string') &&
        Array.isArray(r.datasets) &&
        isFailures(r.failures) &&
        ['catalog', 'collected', 'quality', 'provided', 'used', 'duplicates'].every(
          (k) => typeof r[k] === 'object' && r[k] !== null,
        )
      );
    }) &&
    (body.children as unknown[]).every((c) => {
      const r = c as Record<string, unknown> | null;
      return (
        typeof r === 'object' &&
        r !== null &&
        typeof r.node === 'string' &&
        typeof r.evaluation === 'object' &&
        r.evaluation !== null &&
        isEvaluation(r.evaluation as Record<string, unknown>, year)
      );
    })
  );
}

/** Sums article-44 failures (unresolved objections stay null only when every part is null). */
export function sumFailures(parts: readonly Article44Failures[]): Article44Failures {
  const objections = parts.map((p) => p.unresolvedObjections).filter((n): n is number => n !== null);
  return {
    missingCatalogEntries: parts.reduce((n, p) => n + p.missingCatalogEntries, 0),
    repeatedCollection: parts.reduce((n, p) => n + p.repeatedCollection, 0),
    overdueRequests: parts.reduce((n, p) => n + p.overdueRequests, 0),
    overdueCatalogUpdates: parts.reduce((n, p) => n + p.overdueCatalogUpdates, 0),
    unresolvedObjections: objections.length ? objections.reduce((n, x) => n + x, 0) : null,
  };
}

/** The evaluation as a summary sent with this node's pushes. */
export function evaluationSummary(evaluation: Evaluation): NodeSummary {
  return {
    kind: EVALUATION_SUMMARY,
    period: String(evaluation.year),
    body: evaluation as unknown as Record<string, unknown>,
  };
}

interface Acc {
  datasets: string[];
  entries: number;
  published: number;
  overdueUpdates: number;
  missing: number;
  loads: number;
  rowsRead: number;
  rowsLoaded: number;
  rowsQuarantined: number;
  scores: Map<string, number[]>;
  timeliness: number;
  timelinessMet: number;
  rowsPushed: number;
  rowsShared: number;
  rowsOpened: number;
  received: number;
  answered: number;
  onTime: number;
  overdueRequests: number;
  made: number;
  grants: number;
  rowsReceived: number;
  objections: {
    raised: number;
    resolved: number;
    resolvedOnTime: number;
    unresolved: number;
    overdue: number;
  };
  elements: Set<string>;
  disagreeing: number;
  grades: { core: number; important: number; general: number };
  reviewed: number;
  lastReview: string | null;
}

function emptyAcc(): Acc {
  return {
    datasets: [],
    entries: 0,
    published: 0,
    overdueUpdates: 0,
    missing: 0,
    loads: 0,
    rowsRead: 0,
    rowsLoaded: 0,
    rowsQuarantined: 0,
    scores: new Map(),
    timeliness: 0,
    timelinessMet: 0,
    rowsPushed: 0,
    rowsShared: 0,
    rowsOpened: 0,
    received: 0,
    answered: 0,
    onTime: 0,
    overdueRequests: 0,
    made: 0,
    grants: 0,
    rowsReceived: 0,
    objections: { raised: 0, resolved: 0, resolvedOnTime: 0, unresolved: 0, overdue: 0 },
    elements: new Set(),
    disagreeing: 0,
    grades: { core: 0, important: 0, general: 0 },
    reviewed: 0,
    lastReview: null,
  };
}

function finish(
  department: string | null,
  a: Acc,
  objectionsRecorded: boolean,
  backups: BackupFacts | null,
): DepartmentEvaluation {
  const runs = [...a.scores.values()];
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const last = runs.length ? mean(runs[runs.length - 1]!) : null;
  const first = runs.length ? mean(runs[0]!) : null;
  const elements = [...a.elements].sort();
  return {
    department,
    datasets: [...a.datasets].sort(),
    catalog: {
      entries: a.entries,
      published: a.published,
      overdueUpdates: a.overdueUpdates,
      missing: a.missing,
    },
    collected: {
      loads: a.loads,
      rowsRead: a.rowsRead,
      rowsLoaded: a.rowsLoaded,
      rowsQuarantined: a.rowsQuarantined,
    },
    quality: {
      score: last === null ? null : round1(last),
      trend: last === null || first === null ? null : round1(last - first),
      freshness: pct(a.timelinessMet, a.timeliness),
      runs: runs.length,
    },
    provided: {
      rowsPushed: a.rowsPushed,
      rowsShared: a.rowsShared,
      rowsOpened: a.rowsOpened,
      requestsReceived: a.received,
      requestsAnswered: a.answered,
      answeredOnTime: a.onTime,
      onTimePercent: pct(a.onTime, a.answered),
    },
    used: { requestsMade: a.made, grants: a.grants, rowsReceived: a.rowsReceived },
    objections: objectionsRecorded ? { ...a.objections } : null,
    duplicates: { elements, disagreeing: a.disagreeing },
    security: {
      graded: a.entries,
      datasets: a.datasets.length,
      gradeCoverage: pct(a.entries, a.datasets.length),
      grades: { ...a.grades },
      reviewed: a.reviewed,
      lastAssessment: a.lastReview,
      backup: backups ? { ...backups } : null,
    },
    failures: {
      missingCatalogEntries: a.missing,
      repeatedCollection: elements.length,
      overdueRequests: a.overdueRequests,
      overdueCatalogUpdates: a.overdueUpdates,
      unresolvedObjections: objectionsRecorded ? a.objections.unresolved : null,
    },
  };
}
