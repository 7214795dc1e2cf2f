/**
 * The evaluation as a node sends it upward with its pushes (GOVERNANCE I), computed only when its inputs changed
 * and sent only when it changed. Its inputs are fingerprinted in one cheap query: the row counts and newest
 * times of the tables it reads (loads, quality metrics, catalog versions, triggers and reviews, requests,
 * grants, the usage log, objections, open resource versions, the children's summaries), the audit chain's head
 * (every governance transition appends to it), the project's catalog and foundations in code, the backup
 * status, and the hour (Asia/Shanghai: dues and overdue flags move with time). The fingerprint and the
 * evaluation it gave are kept in `gongshu.meta`; so is the hash of the last summary the parent acknowledged, which
 * leaves out the time it was computed (`asOf`) and when the children's summaries arrived.
 */
import { canonicalJson, type NodeSummary, sm3 } from '../../platform/index.ts';
import {
  AUDIT_TABLE,
  CATALOG_REVIEWS_TABLE,
  CATALOG_TRIGGERS_TABLE,
  CATALOG_VERSIONS_TABLE,
  GRANTS_TABLE,
  LOADS_TABLE,
  METRICS_TABLE,
  NODE_SUMMARIES_TABLE,
  OBJECTIONS_TABLE,
  RESOURCE_VERSIONS_TABLE,
  RUNS_TABLE,
  readMeta,
  SHARE_REQUESTS_TABLE,
  USAGE_TABLE,
  type Warehouse,
  writeMeta,
} from '../../warehouse/index.ts';
import { shanghaiTime } from '../clock.ts';
import { codeCatalog } from '../context.ts';
import {
  type EvaluateOptions,
  type Evaluation,
  type EvaluationProject,
  evaluateYear,
  evaluationSummary,
} from './evaluate.ts';

/** What the fingerprint counts per table: rows, and the newest value of a time column when there is one. */
const TABLES: readonly (readonly [string, string | null])[] = [
  [LOADS_TABLE, 'CAST(max(finished_at) AS VARCHAR)'],
  [METRICS_TABLE, 'CAST(max(measured_at) AS VARCHAR)'],
  [RUNS_TABLE, 'CAST(max(finished_at) AS VARCHAR)'],
  [CATALOG_VERSIONS_TABLE, null],
  [CATALOG_TRIGGERS_TABLE, null],
  [CATALOG_REVIEWS_TABLE, null],
  [SHARE_REQUESTS_TABLE, null],
  [GRANTS_TABLE, null],
  [USAGE_TABLE, null],
  [OBJECTIONS_TABLE, 'max(updated_at)'],
  [RESOURCE_VERSIONS_TABLE, null],
  [NODE_SUMMARIES_TABLE, 'CAST(max(received_at) AS VARCHAR)'],
  [AUDIT_TABLE, 'CAST(max(seq) AS VARCHAR)'],
];

/** The fingerprint of everything the evaluation of `options` reads (see the file comment). */
export async function evaluationFingerprint(
  wh: Warehouse,
  project: EvaluationProject,
  options: EvaluateOptions & { at: Date },
): Promise<string> {
  const parts = TABLES.map(
    ([t, newest], i) => `(SELECT count(*) || '/' || coalesce(${newest ?? "''"}, '') FROM ${t}) AS t${i}`,
  );
  const [tables] = await wh.all(`SELECT ${parts.join(', ')}`);
  const catalog = [...codeCatalog(project).entries()].map(([code, e]) => [code, e.dataset, e.entry]);
  const pipelines = (project.pipelines ?? []).map((p) => [p.dataset.name, p.dataset.catalog?.provider.name]);
  return sm3(
    canonicalJson({
      year: options.year,
      node: options.node,
      hour: shanghaiTime(options.at).slice(0, 13),
      tables: Object.values(tables ?? {}).map(String),
      catalog,
      pipelines,
      foundations: JSON.parse(JSON.stringify(project.foundations ?? [])) as unknown,
      backups: options.backups ?? null,
    }),
  );
}

/** The evaluation of `options`, from the cache when its fingerprint is unchanged (then `cached` is true). */
export async function cachedEvaluation(
  ctx: { wh: Warehouse; project: EvaluationProject },
  options: EvaluateOptions & { at: Date },
): Promise<{ evaluation: Evaluation; cached: boolean }> {
  const key = `evaluation-cache:${options.year}`;
  const fingerprint = await evaluationFingerprint(ctx.wh, ctx.project, options);
  const kept = await readMeta(ctx.wh, key);
  if (kept) {
    const c = JSON.parse(kept) as { fingerprint: string; evaluation: Evaluation };
    if (c.fingerprint === fingerprint) return { evaluation: c.evaluation, cached: true };
  }
  const evaluation = await evaluateYear(ctx, options);
  if (!ctx.wh.readOnly) await writeMeta(ctx.wh, key, JSON.stringify({ fingerprint, evaluation }));
  return { evaluation, cached: false };
}

/** The content of an evaluation, without when it was computed and when the children's summaries arrived. */
function content(e: Evaluation): unknown {
  const { asOf: _asOf, children, ...rest } = e;
  return { ...rest, children: children.map((c) => ({ node: c.node, evaluation: content(c.evaluation) })) };
}

/** The hash by which a sent summary is told from a new one. */
export function summaryHash(evaluation: Evaluation): string {
  return sm3(canonicalJson(content(evaluation)));
}

/** This node's evaluation summary of a year, and whether it differs from the last one the parent acknowledged. */
export async function evaluationToSend(
  ctx: { wh: Warehouse; project: EvaluationProject },
  options: EvaluateOptions & { at: Date },
): Promise<{ summary: NodeSummary; changed: boolean; hash: string; cached: boolean }> {
  const { evaluation, cached } = await cachedEvaluation(ctx, options);
  const hash = summaryHash(evaluation);
  const sent = await readMeta(ctx.wh, `evaluation-sent:${options.year}`);
  return { summary: evaluationSummary(evaluation), changed: sent !== hash, hash, cached };
}

/** Records that the parent acknowledged the summary of `year` with this hash. */
export async function markEvaluationSent(wh: Warehouse, year: number, hash: string): Promise<void> {
  await writeMeta(wh, `evaluation-sent:${year}`, hash);
}
