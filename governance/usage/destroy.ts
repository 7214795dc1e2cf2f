/**
 * Destruction (销毁, 第十五条): dropping a dataset's tables on this node — its own table, what backflow returned
 * and what children pushed — and recording date, method, reason, operator and rows as a usage entry.
 */
import { quoteIdent, type Sql, sql } from '../../schemas/index.ts';
import type { Actor, GovernanceContext } from '../context.ts';
import { GovernanceError } from '../errors.ts';
import { recordUsage } from './usage-log.ts';

/** The schemas a dataset's tables live in: own data, backflow received, pushes received. */
export const DESTROYABLE_SCHEMAS = ['main', 'backflow', 'received'] as const;

/** What a destruction did. */
export interface DestroyResult {
  readonly dataset: string;
  readonly tables: readonly string[];
  readonly rows: number;
  readonly usageId: string;
}

/** Drops the dataset's tables and records the destruction. */
export async function destroyDataset(
  ctx: GovernanceContext,
  input: {
    dataset: string;
    method: string;
    reason: string;
    actor: Actor;
    at: Date;
    schemas?: readonly string[] | undefined;
  },
): Promise<DestroyResult> {
  const method = input.method.trim();
  const reason = input.reason.trim();
  if (!/^[a-z][a-z0-9_]*$/.test(input.dataset)) {
    throw new GovernanceError(
      'invalid',
      'bad-dataset',
      `destroy: ${JSON.stringify(input.dataset)} is not a dataset name`,
    );
  }
  if (!method || !reason) {
    throw new GovernanceError(
      'invalid',
      'destroy-incomplete',
      `destroy ${input.dataset}: say how and why (第十五条 records the destruction). Fix: --method "删除数据表" --reason "使用期满"`,
    );
  }
  const schemas = input.schemas?.length ? input.schemas : DESTROYABLE_SCHEMAS;
  const bad = schemas.filter((s) => !(DESTROYABLE_SCHEMAS as readonly string[]).includes(s));
  if (bad.length)
    throw new GovernanceError(
      'invalid',
      'bad-schema',
      `destroy: --from must name ${DESTROYABLE_SCHEMAS.join(', ')}; got ${bad.join(', ')}`,
    );
  const found = await ctx.wh.all<{ s: string }>(
    `SELECT schema_name AS s FROM duckdb_tables() WHERE database_name = current_database() AND table_name = $1 ORDER BY 1`,
    [input.dataset],
  );
  const tables: Sql[] = found
    .filter((f) => schemas.includes(f.s))
    .map((f) => sql`${quoteIdent(f.s)}.${quoteIdent(input.dataset)}`);
  if (tables.length === 0) {
    throw new GovernanceError(
      'not-found',
      'no-data',
      `destroy ${input.dataset}: node ${ctx.node.id} holds no table of it in ${schemas.join(', ')}; nothing was destroyed`,
    );
  }
  return ctx.wh.transaction(async () => {
    let rows = 0;
    for (const t of tables) rows += Number((await ctx.wh.value<number>(`SELECT count(*) FROM ${t}`)) ?? 0);
    for (const t of tables) await ctx.wh.run(`DROP TABLE ${t}`);
    const names = found.filter((f) => schemas.includes(f.s)).map((f) => `${f.s}.${input.dataset}`);
    const usage = await recordUsage(ctx, {
      kind: 'destruction',
      dataset: input.dataset,
      actor: input.actor,
      scenario: reason,
      storage: names.join(', '),
      rows,
      details: { method, reason, tables: names },
      at: input.at,
    });
    return { dataset: input.dataset, tables: names, rows, usageId: usage.id };
  });
}
