/**
 * Backup test nodes: a project folder with gongshu.config.ts (a hukou pipeline of real-looking citizen IDs and
 * names, held in memory), master key files (mode 0600), a warehouse loaded through the real loader, audit
 * entries, and a table in another schema, so a backup holds system tables, a dataset and a chain to verify.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPipelines } from '../../pipelines/index.ts';
import { appendAudit, listAudit } from '../../platform/index.ts';
import { loadProject } from '../../project/index.ts';
import { quoteIdent as q } from '../../schemas/index.ts';
import { openWarehouse, type Warehouse } from '../../warehouse/index.ts';
import { REPO_ROOT } from '../helpers/cli.ts';
import { hukouRows } from '../platform/fixture.ts';

/** Writes a master key file (64 hex digits, mode 0600) and returns its path. */
export function writeKey(dir: string, name: string, hex = randomBytes(32).toString('hex')): string {
  const file = join(dir, name);
  writeFileSync(file, `${hex}\n`, { mode: 0o600 });
  return file;
}

/** Options of `writeNode`. */
export interface NodeOptions {
  readonly id?: string;
  readonly level?: 'county' | 'prefecture' | 'region';
  readonly rows?: number;
  /** The `backup` section (JSON). */
  readonly backup?: unknown;
  /** The `platform` section (JSON). */
  readonly platform?: unknown;
  /** Schedules as TS source (defineSchedule calls). */
  readonly schedules?: string;
}

/**
 * Writes a project's config file (gongshu.config.ts, or another name: a module once imported is cached, so a
 * changed config in the same process needs a new file name) and returns its path.
 */
export function writeNode(dir: string, o: NodeOptions = {}, name = 'gongshu.config.ts'): string {
  const id = o.id ?? '650102';
  const file = join(dir, name);
  writeFileSync(
    file,
    `import { memory } from '${REPO_ROOT}connectors/index.ts';
import { defineSchedule } from '${REPO_ROOT}jobs/index.ts';
import { citizenId, definePipeline } from '${REPO_ROOT}pipelines/index.ts';
import { defineProject } from '${REPO_ROOT}project/index.ts';
import { HUKOU_HEADER, hukouRows, hukouTestCatalog } from '${REPO_ROOT}test/platform/fixture.ts';
const hukou = definePipeline({
  name: 'hukou',
  source: memory({ name: 'hukou@${id}', columns: HUKOU_HEADER, rows: hukouRows('${id}', ${o.rows ?? 300}) }),
  dataset: { name: 'hukou', key: citizenId('公民身份号码'), catalog: hukouTestCatalog },
});
export default defineProject({
  name: 'node_${id}',
  node: { id: '${id}', level: '${o.level ?? 'county'}', name: 'node ${id}' },
  pipelines: [hukou],
  ${o.schedules ? `schedules: [${o.schedules}],` : ''}
  ${o.platform === undefined ? '' : `platform: ${JSON.stringify(o.platform)},`}
  ${o.backup === undefined ? '' : `backup: ${JSON.stringify(o.backup)},`}
});
`,
  );
  return file;
}

/** The warehouse file of a test node. */
export const warehouseOf = (dir: string) => join(dir, '.gongshu/warehouse.duckdb');

/** Loads the node's pipeline, appends audit entries and an extra schema's table; returns the loaded project. */
export async function populate(dir: string, audits = 3) {
  const loaded = await loadProject(dir);
  const wh = await openWarehouse({ path: warehouseOf(dir) });
  try {
    await runPipelines(wh, loaded.project);
    for (let i = 0; i < audits; i++) {
      await appendAudit(wh, loaded.project.node.id, {
        action: 'push-sent',
        peer: '650100',
        dataset: 'hukou',
        rows: 100 + i,
        batch: `b${i}`,
      });
    }
    await wh.run('CREATE SCHEMA IF NOT EXISTS foundation');
    await wh.run(
      `CREATE OR REPLACE TABLE foundation.extra AS
       SELECT i, 'x' || i AS s, DATE '2020-01-01' + CAST(i AS INTEGER) AS d, i * 0.5 AS f FROM range(1000) t(i)`,
    );
  } finally {
    wh.close();
  }
  return loaded;
}

/** Per table (schema.name): row count and a hash of its rows (order-free). */
export async function tableDigests(path: string): Promise<Record<string, { n: number; h: string }>> {
  const wh = await openWarehouse({ path, readOnly: true });
  try {
    return await digestsOf(wh);
  } finally {
    wh.close();
  }
}

async function digestsOf(wh: Warehouse): Promise<Record<string, { n: number; h: string }>> {
  const tables = await wh.all<{ s: string; t: string }>(
    `SELECT schema_name AS s, table_name AS t FROM duckdb_tables()
     WHERE database_name = current_database() AND NOT temporary ORDER BY 1, 2`,
  );
  const out: Record<string, { n: number; h: string }> = {};
  for (const { s, t } of tables) {
    const [r] = await wh.all<{ n: number; h: string }>(
      `SELECT count(*) AS n, md5(coalesce(string_agg(h, ',' ORDER BY h), '')) AS h
       FROM (SELECT md5(CAST(x AS VARCHAR)) AS h FROM ${q(s)}.${q(t)} x)`,
    );
    out[`${s}.${t}`] = { n: Number(r!.n), h: r!.h };
  }
  return out;
}

/** The audit chain of a warehouse file. */
export async function auditOf(path: string) {
  const wh = await openWarehouse({ path, readOnly: true });
  try {
    return await listAudit(wh);
  } finally {
    wh.close();
  }
}

/** Every file under a folder, recursively. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

/** Which of the needles (as UTF-8 bytes) occur in a file. */
export function needlesIn(file: string, needles: readonly string[]): string[] {
  const bytes = readFileSync(file);
  return needles.filter((n) => bytes.includes(Buffer.from(n, 'utf8')));
}

/** The citizen IDs and names the fixture loads for a node. */
export function planted(id: string, rows: number): { ids: string[]; names: string[] } {
  const r = hukouRows(id, rows);
  return { ids: r.map((x) => x[0]!), names: r.map((x) => x[1]!) };
}
