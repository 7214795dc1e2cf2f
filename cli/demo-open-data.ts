/**
 * The open-data part of the demo (GOVERNANCE B, C): the region publishes its enterprise-registration entry,
 * exports it as an open resource (a new version on every run, the older ones kept), and — once per warehouse —
 * records two objections against enterprise records: one the provider confirmed as an error (it counts against
 * the accuracy of `enterprises`), one still open. They show on the dashboard's open-data page.
 */
import { join } from 'node:path';
import {
  approveCatalogVersion,
  exportOpen,
  governanceConfig,
  listObjectionViews,
  type OpenExportedResource,
  publishCatalogVersion,
  publishedCatalogVersion,
  raiseObjection,
  resolveObjection,
  submitCatalogVersion,
} from '../governance/index.ts';
import { nodeContext } from '../platform/index.ts';
import type { LoadedProject } from '../project/index.ts';
import type { Warehouse } from '../warehouse/index.ts';

/** The dataset the demo opens. */
export const DEMO_OPEN_DATASET = 'enterprises';

/** Publishes, exports and objects as described above; returns what was exported and the objections on record. */
export async function demoOpenData(
  wh: Warehouse,
  loaded: LoadedProject,
  at = new Date(),
): Promise<{ exported: OpenExportedResource[]; outDir: string; objections: number; open: number }> {
  const ctx = {
    wh,
    node: nodeContext(loaded.project, loaded.dir),
    project: loaded.project,
    config: governanceConfig(loaded.project, loaded.dir),
  };
  const actor = { operator: 'gongshu-demo', department: '自治区数据局' };
  if (!(await publishedCatalogVersion(wh, DEMO_OPEN_DATASET))) {
    await submitCatalogVersion(ctx, { code: DEMO_OPEN_DATASET, trigger: { kind: 'initial' }, actor, at });
    await approveCatalogVersion(ctx, { code: DEMO_OPEN_DATASET, actor, at });
    await publishCatalogVersion(ctx, { code: DEMO_OPEN_DATASET, actor, at });
  }
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
  const all = await listObjectionViews(ctx, { now: at });
  return {
    exported: r.resources,
    outDir,
    objections: all.length,
    open: all.filter((o) => o.status === 'open').length,
  };
}
