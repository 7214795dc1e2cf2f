/**
 * Governance fixtures: a prefecture node (650100) holding hukou rows of two counties, its catalog entry
 * published, and a governance context on a real DuckDB file; optionally serving on loopback for a county child.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { memory } from '../../connectors/index.ts';
import {
  approveCatalogVersion,
  backflowAuthorizer,
  type GovernanceContext,
  governanceConfig,
  publishCatalogVersion,
  requestRoutes,
  type SharingSpec,
  submitCatalogVersion,
} from '../../governance/index.ts';
import { citizenId, definePipeline, runPipelines } from '../../pipelines/index.ts';
import {
  createNodeServer,
  createSerial,
  initKeys,
  listen,
  type NodeKeys,
  nodeContext,
  type PlatformSpec,
} from '../../platform/index.ts';
import { defineProject } from '../../project/index.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import { tempDir } from '../helpers/tmp.ts';
import { hukouEntry } from './entries.ts';

export { hukouEntry };

import { HUKOU_HEADER, hukouRows } from '../platform/fixture.ts';

export const logger = pino({ level: 'silent' });

/** A node project with a hukou pipeline loading `rows` under `catalog`. */
export function governedProject(options: {
  id: string;
  level: 'county' | 'prefecture' | 'region';
  rows: string[][];
  platform?: PlatformSpec;
  sharing?: SharingSpec;
  catalog?: ReturnType<typeof hukouEntry> | null;
}) {
  const catalog = options.catalog === undefined ? hukouEntry() : options.catalog;
  const hukou = definePipeline({
    name: 'hukou',
    source: memory({ name: `hukou@${options.id}`, columns: HUKOU_HEADER, rows: options.rows }),
    dataset: { name: 'hukou', key: citizenId('公民身份号码'), ...(catalog ? { catalog } : {}) },
  });
  const project = defineProject({
    name: `node_${options.id}`,
    node: { id: options.id, level: options.level, name: `node ${options.id}` },
    pipelines: [hukou],
    ...(options.sharing ? { sharing: options.sharing } : {}),
  });
  return Object.freeze({ ...project, platform: options.platform ?? {} });
}

/** The governance context of a project in `dir` on `wh`. */
export function contextOf(
  project: ReturnType<typeof governedProject>,
  dir: string,
  wh: Warehouse,
): GovernanceContext {
  return { wh, node: nodeContext(project, dir), project, config: governanceConfig(project, dir) };
}

export const operator = { operator: 'zhang.wei', department: '市大数据局' };

/** Submits, approves and publishes the project's hukou entry. */
export async function publishHukou(ctx: GovernanceContext, at = new Date('2026-09-01T09:00:00+08:00')) {
  await submitCatalogVersion(ctx, { code: 'hukou', trigger: { kind: 'initial' }, actor: operator, at });
  await approveCatalogVersion(ctx, { code: 'hukou', actor: { operator: 'li.na' }, at });
  return publishCatalogVersion(ctx, { code: 'hukou', actor: { operator: 'li.na' }, at });
}

/** A prefecture (650100) with hukou of 650102 (12 rows) and 650103 (30 rows), loaded and published. */
export async function prefecture(
  options: {
    sharing?: SharingSpec;
    platform?: PlatformSpec;
    publish?: boolean;
    catalog?: ReturnType<typeof hukouEntry> | null;
  } = {},
) {
  const dir = tempDir();
  const project = governedProject({
    id: '650100',
    level: 'prefecture',
    rows: [...hukouRows('650103', 30), ...hukouRows('650102', 12, 500)],
    ...(options.platform ? { platform: options.platform } : {}),
    ...(options.sharing ? { sharing: options.sharing } : {}),
    ...(options.catalog !== undefined ? { catalog: options.catalog } : {}),
  });
  const wh = await openWarehouse({ path: join(dir, 'p.duckdb') });
  await runPipelines(wh, project);
  const ctx = contextOf(project, dir, wh);
  if (options.publish !== false && options.catalog !== null) await publishHukou(ctx);
  return { dir, project, wh, ctx };
}

/** A prefecture serving on loopback (grants decide backflow) and a county child with its keys. */
export async function hierarchy(closers: (() => unknown)[]) {
  const root = tempDir();
  const kc = initKeys(join(root, 'c/.gongshu/keys'));
  const kp: NodeKeys = initKeys(join(root, 'p/.gongshu/keys'));
  const p = await prefecture({
    platform: { listen: { port: 0 }, children: [{ id: '650102', publicKey: kc.publicText }] },
  });
  closers.push(() => p.wh.close());
  const pnode = nodeContext(p.project, join(root, 'p'));
  const pctx: GovernanceContext = {
    ...p.ctx,
    node: pnode,
    config: governanceConfig(p.project, join(root, 'p')),
  };
  const app = createNodeServer({
    node: pnode,
    project: p.project,
    wh: p.wh,
    logger,
    serial: createSerial(),
    authorizeBackflow: backflowAuthorizer(pctx),
    extend: requestRoutes(pctx, kp),
  });
  const url = await listen(app, pnode, 0);
  closers.push(() => app.close());
  const cproject = governedProject({
    id: '650102',
    level: 'county',
    rows: hukouRows('650102', 5),
    platform: {
      parent: { id: '650100', url, publicKey: kp.publicText },
      push: { backoffMs: 10, attempts: 2 },
    },
  });
  const cnode = nodeContext(cproject, join(root, 'c'));
  const cwh = await openWarehouse({ path: join(root, 'c.duckdb') });
  closers.push(() => cwh.close());
  return {
    root,
    kc,
    kp,
    p: { ...p, ctx: pctx, node: pnode, app, url },
    c: { project: cproject, node: cnode, wh: cwh },
  };
}
