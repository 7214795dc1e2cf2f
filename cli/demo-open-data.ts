/**
 * The catalog and open-data part of the demo (GOVERNANCE B, C, G, I): the region publishes its catalog entries —
 * all but a deliberate two (`DEMO_UNPUBLISHED`: 卫健's births and deaths and 民政's social organisations, so the
 * yearly evaluation shows what article 44 calls missing catalog entries) — and records this year's secrecy
 * review (安全评估) of each published entry; it exports the enterprise-registration entry as an open resource (a
 * new version on every run; versions older than the last `DEMO_KEEP_VERSIONS` are taken offline), and — once
 * per warehouse — records two objections against enterprise records: one the provider confirmed as an error (it
 * counts against the accuracy of `enterprises`), one still open. They show on the open-data and evaluation pages.
 */
import { join } from 'node:path';
import {
  type Actor,
  approveCatalogVersion,
  codeCatalog,
  exportOpen,
  type GovernanceContext,
  governanceConfig,
  listCatalogReviews,
  listObjectionViews,
  listResourceVersions,
  type OpenExportedResource,
  publishCatalogVersion,
  publishedCatalogVersion,
  raiseObjection,
  resolveObjection,
  reviewCatalogEntry,
  shanghaiDate,
  submitCatalogVersion,
  takeOffline,
} from '../governance/index.ts';
import { nodeContext } from '../platform/index.ts';
import type { LoadedProject } from '../project/index.ts';
import type { Warehouse } from '../warehouse/index.ts';

/** The dataset the demo opens. */
export const DEMO_OPEN_DATASET = 'enterprises';
/** The datasets whose entries the demo leaves unpublished on purpose (article 44: missing catalog entries). */
export const DEMO_UNPUBLISHED: readonly string[] = ['births_deaths', 'social_orgs'];
/** Open resource versions the demo keeps on disk; older ones are taken offline (第二十四条). */
export const DEMO_KEEP_VERSIONS = 3;

/** Publishes every entry but `DEMO_UNPUBLISHED` (once) and records this year's secrecy review of each. */
async function publishCatalog(ctx: GovernanceContext, actor: Actor, at: Date): Promise<void> {
  const year = shanghaiDate(at).slice(0, 4);
  const reviews = await listCatalogReviews(ctx.wh);
  for (const [code, { dataset, layer }] of codeCatalog(ctx.project)) {
    if (layer !== 'dataset' || DEMO_UNPUBLISHED.includes(dataset)) continue;
    if (!(await publishedCatalogVersion(ctx.wh, code))) {
      await submitCatalogVersion(ctx, { code, trigger: { kind: 'initial' }, actor, at });
      await approveCatalogVersion(ctx, { code, actor, at });
      await publishCatalogVersion(ctx, { code, actor, at });
    }
    if (!reviews.some((r) => r.code === code && shanghaiDate(new Date(r.reviewedAt)).startsWith(year)))
      await reviewCatalogEntry(ctx, { code, outcome: 'keep', note: '年度保密审查：分级无变化', actor, at });
  }
}

/** Publishes, exports and objects as described above; returns what was exported and the objections on record. */
export async function demoOpenData(
  wh: Warehouse,
  loaded: LoadedProject,
  at = new Date(),
): Promise<{ exported: OpenExportedResource[]; outDir: string; objections: number; open: number }> {
  const ctx: GovernanceContext = {
    wh,
    node: nodeContext(loaded.project, loaded.dir),
    project: loaded.project,
    config: governanceConfig(loaded.project, loaded.dir),
  };
  const actor = { operator: 'gongshu-demo', department: '自治区数据局' };
  await publishCatalog(ctx, actor, at);
  if (!(await listObjectionViews(ctx, { dataset: DEMO_OPEN_DATASET, now: at })).length) {
    const keys = (
      await wh.all<{ k: string }>(`SELECT uscc AS k FROM main.enterprises ORDER BY uscc LIMIT 2`)
    ).map((r) => r.k);
    if (keys.length === 2) {
      const confirmed = await raiseObjection(ctx, {
        dataset: DEMO_OPEN_DATASET,
        key: keys[0]!,
        columns: ['status'],
        claim: '该企业已注销，登记状态仍为“存续”',
        actor: { operator: 'public-user', department: '社会公众' },
        at,
      });
      await resolveObjection(ctx, {
        id: confirmed.id,
        outcome: 'confirmed',
        note: '经核实确有错误，已通知登记机关更正',
        actor,
        at,
      });
      await raiseObjection(ctx, {
        dataset: DEMO_OPEN_DATASET,
        key: keys[1]!,
        columns: ['address'],
        claim: '住所已变更',
        type: 'objection',
        actor: { operator: 'public-user', department: '社会公众' },
        at,
      });
    }
  }
  const outDir = join(loaded.dir, '.gongshu', 'open');
  const r = await exportOpen(ctx, { codes: [DEMO_OPEN_DATASET], outDir, format: 'csv', actor, at });
  // Old versions do not pile up run after run: those past the last few are taken offline.
  for (const x of r.resources) {
    const old = (await listResourceVersions(wh, x.code)).filter(
      (v) => v.status === 'superseded' && v.version <= x.version - DEMO_KEEP_VERSIONS,
    );
    for (const v of old)
      await takeOffline(ctx, { code: x.code, version: v.version, reason: '演示：超过保留版本数', actor, at });
  }
  const all = await listObjectionViews(ctx, { now: at });
  return {
    exported: r.resources,
    outDir,
    objections: all.length,
    open: all.filter((o) => o.status === 'open').length,
  };
}
