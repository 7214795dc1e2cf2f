import { GongshuError } from '../schemas/index.ts';
import type { Warehouse } from '../warehouse/index.ts';
import type { ColumnPlan } from './columns.ts';
import type { Pipeline } from './define.ts';
import { LINEAGE_COLUMNS } from './stage-table.ts';

/** One difference between the dataset table and the incoming source. */
export interface SchemaChange {
  readonly change: 'added' | 'removed' | 'retyped';
  readonly column: string;
  readonly oldType: string | null;
  readonly newType: string | null;
  /** What the load does about it under the dataset's contract. */
  readonly action:
    | 'added-column'
    | 'null-filled'
    | 'cast'
    | 'replaced'
    | 'quarantined-rows'
    | 'discarded-values';
}

/** A load rejected by a `freeze` contract: nothing was written. */
export class ContractError extends GongshuError {
  constructor(message: string, changes: readonly SchemaChange[]) {
    super('contract', message, { details: { changes } });
  }
}

/** The columns (name → type) of an existing dataset table, lineage columns left out; undefined if none. */
export async function tableSchema(wh: Warehouse, table: string): Promise<Map<string, string> | undefined> {
  const rows = await wh.all<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM duckdb_columns()
     WHERE schema_name = 'main' AND table_name = $1 ORDER BY column_index`,
    [table],
  );
  if (rows.length === 0) return undefined;
  const lineage = new Set<string>(LINEAGE_COLUMNS);
  return new Map(rows.filter((r) => !lineage.has(r.name)).map((r) => [r.name, r.type]));
}

/** How the plan must change to honour the contract: columns to leave out, columns to cast, and the drift. */
export interface ContractDecision {
  readonly changes: readonly SchemaChange[];
  /** Target columns whose values are not written (new columns under discard-row / discard-value). */
  readonly excluded: ReadonlySet<string>;
  /** Target columns cast to the table's type (retyped under append/merge), target → table type. */
  readonly castTo: ReadonlyMap<string, string>;
  /** Table columns the source no longer has (filled with NULL on append/merge, or kept on replace). */
  readonly removed: ReadonlyMap<string, string>;
}

/**
 * Compares the planned columns with the existing table and applies the dataset's contract:
 * `evolve` adds new columns (replace: the new shape wins); `freeze` rejects any change; `discard-row`
 * keeps the table's shape and quarantines rows that carry values in new columns; `discard-value` keeps the
 * shape and drops those values (recorded). Retyped columns are cast to the table's type except when an
 * evolving replace rebuilds the table.
 */
export function decideContract(
  pipeline: Pipeline,
  plans: readonly ColumnPlan[],
  existing: ReadonlyMap<string, string> | undefined,
): ContractDecision {
  const none = { changes: [], excluded: new Set<string>(), castTo: new Map(), removed: new Map() };
  if (!existing) return none;
  const { contract, writeMode } = pipeline.dataset;
  const rebuild = writeMode === 'replace' && contract === 'evolve';
  const changes: SchemaChange[] = [];
  const excluded = new Set<string>();
  const castTo = new Map<string, string>();
  for (const p of plans) {
    const old = existing.get(p.target);
    if (old === undefined) {
      const action =
        contract === 'discard-row'
          ? 'quarantined-rows'
          : contract === 'discard-value'
            ? 'discarded-values'
            : 'added-column';
      if (contract === 'discard-row' || contract === 'discard-value') excluded.add(p.target);
      changes.push({ change: 'added', column: p.target, oldType: null, newType: p.sqlType, action });
    } else if (old !== p.sqlType) {
      if (!rebuild) castTo.set(p.target, old);
      changes.push({
        change: 'retyped',
        column: p.target,
        oldType: old,
        newType: p.sqlType,
        action: rebuild ? 'replaced' : 'cast',
      });
    }
  }
  const incoming = new Set(plans.map((p) => p.target));
  const removed = new Map<string, string>();
  for (const [name, type] of existing) {
    if (incoming.has(name)) continue;
    removed.set(name, type);
    changes.push({
      change: 'removed',
      column: name,
      oldType: type,
      newType: null,
      action: rebuild ? 'replaced' : 'null-filled',
    });
  }
  if (contract === 'freeze' && changes.length > 0) {
    const what = changes
      .map((c) =>
        c.change === 'added'
          ? `added ${c.column} (${c.newType})`
          : c.change === 'removed'
            ? `removed ${c.column}`
            : `retyped ${c.column} ${c.oldType} → ${c.newType}`,
      )
      .join('; ');
    throw new ContractError(
      `${pipeline.file ?? 'pipeline'}: pipeline ${pipeline.name}: dataset ${pipeline.dataset.name} has contract "freeze" ` +
        `but the source's columns changed: ${what}. Nothing was loaded. Fix: ask the department why the extract ` +
        'changed; to accept it, set contract: "evolve" for one load (or update the catalog entry)',
      changes,
    );
  }
  return { changes, excluded, castTo, removed };
}
