import { quoteIdent as q } from '../../schemas/index.ts';
import type { Warehouse } from '../../warehouse/index.ts';
import type { BuildStep } from './build.ts';

/**
 * The statements of an in-place build: those that need no answer are sent together, in one round trip, before
 * the next query; temporary tables are named after the foundation and listed to be dropped at the end.
 */
export interface StatementBatch {
  /** Statements waiting to be sent. */
  readonly queued: string[];
  /** The temporary tables created, in order. */
  readonly temps: string[];
  /** Sends the statements waiting. */
  flush(): Promise<void>;
  /** Sends the statements waiting, then runs a query and returns its first row. */
  ask(sql: string): Promise<Record<string, number>>;
  /** Queues `CREATE OR REPLACE TEMP TABLE __gs_<foundation>_<name> AS sql`; returns the table's name. */
  create(name: string, sql: string): string;
  /** The test hook after a step: the statements so far are sent first. */
  step(s: BuildStep): Promise<void>;
}

/** A statement batch for foundation `name`; `hook` is the in-place build's test hook, if any. */
export function statementBatch(
  wh: Warehouse,
  name: string,
  hook: ((s: BuildStep) => Promise<void>) | undefined,
): StatementBatch {
  const temp = (s: string) => `temp.${q(`__gs_${name}_${s}`)}`;
  const temps: string[] = [];
  // Statements that need no answer are sent together, in one round trip, before the next query.
  const queued: string[] = [];
  const flush = async () => {
    if (queued.length) await wh.run(queued.splice(0).join(';\n'));
  };
  const ask = async (sql: string) => {
    await flush();
    return (await wh.all<Record<string, number>>(sql))[0] ?? {};
  };
  const create = (table: string, sql: string) => {
    queued.push(`CREATE OR REPLACE TEMP TABLE ${q(`__gs_${name}_${table}`)} AS ${sql}`);
    if (!temps.includes(temp(table))) temps.push(temp(table));
    return temp(table);
  };
  // A test hook after each step: the statements so far are sent first.
  const step = async (s: BuildStep) => {
    if (!hook) return;
    await flush();
    await hook(s);
  };
  return { queued, temps, flush, ask, create, step };
}
