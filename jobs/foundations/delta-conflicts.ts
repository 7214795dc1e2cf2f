import { quoteLiteral as lit, quoteIdent as q } from '../../schemas/index.ts';
import type { Foundation, SourceRef } from './define.ts';
import { conflictsSql, rowsKey, type Scope, type SourceTable } from './sql.ts';

/** A (field, other source) pair whose conflicts an incremental build brings up to date. */
export interface ConflictGroup {
  readonly field: string;
  readonly source: string;
  /** The keys whose authoritative value changed (SQL of keys `k`). */
  readonly changedKeys: string;
  /** The keys whose rows of the other source were all read again from its new loads (`Scope.partial`). */
  readonly covered?: string | undefined;
}

/** The conflict groups of a foundation, for the difference `delta`; see `conflictUpdates`. */
export function conflictGroups(f: Foundation, scope: Scope, delta: string): ConflictGroup[] {
  const groups = new Map<string, ConflictGroup>();
  for (const [field, refs] of Object.entries(f.others)) {
    for (const r of refs) {
      const parts = new Set(refs.filter((o) => o.source === r.source).map(rowsKey));
      groups.set(JSON.stringify([field, r.source]), {
        field,
        source: r.source,
        changedKeys: `(SELECT __k AS k FROM ${delta} WHERE ${q(`__changed_${field}`)})`,
        covered: [...parts].every((k) => scope.partial?.has(k))
          ? scope.partial?.get([...parts][0]!)
          : undefined,
      });
    }
  }
  return [...groups.values()];
}

/** The keys of a covered group whose authoritative value changed outside its covered keys. */
const restSql = (g: ConflictGroup) => `(SELECT k FROM ${g.changedKeys} EXCEPT SELECT k FROM ${g.covered})`;

/** Counts (`r<i>`) of each covered group's `restSql`, for the counts query. */
export function restCounts(groups: readonly ConflictGroup[]): string {
  return groups.map((g, i) => (g.covered ? `, (SELECT count(*) FROM ${restSql(g)}) AS r${i}` : '')).join('');
}

/**
 * The statements that bring the conflicts of an incremental build up to date. Per (field, other source), the
 * comparisons are recomputed for the keys it was read for again (touched, when it has new loads) and the keys
 * whose authoritative value changed (`counts`: `c<flagged index>` and `r<group index>`, see `restCounts`).
 */
export function conflictUpdates(
  f: Foundation,
  sources: ReadonlyMap<string, SourceTable>,
  groups: readonly ConflictGroup[],
  c: {
    readonly scope: Scope;
    readonly fresh: string;
    readonly counts: Readonly<Record<string, number>>;
    readonly changed: ReadonlySet<string>;
    readonly create: (name: string, sql: string) => string;
  },
): string[] {
  const { scope } = c;
  const conflicts = `foundation.${q(`${f.name}_conflicts`)}`;
  const flagged = Object.keys(f.others);
  const out: string[] = [];
  for (const [i, g] of groups.entries()) {
    const { field, source } = g;
    const only = (fl: string, r: SourceRef) => fl === field && r.source === source;
    const valueChanged = (c.counts[`c${flagged.indexOf(field)}`] ?? 0) > 0;
    // Per scope: the keys whose comparisons are recomputed.
    const scopes: Scope[] = [];
    if (g.covered) {
      // The other source's new loads hold all its rows of the keys they wrote; the keys whose authoritative
      // value changed outside those are read from the table (none when both changed together).
      scopes.push({ ...scope, keys: g.covered });
      if ((c.counts[`r${i}`] ?? 0) > 0) {
        scopes.push({
          ...complete(scope),
          keys: c.create(`conflict_keys${i}`, `SELECT * FROM ${restSql(g)}`),
        });
      }
    } else if (c.changed.has(source)) {
      scopes.push({ ...complete(scope), keys: scope.keys });
    } else if (valueChanged) {
      scopes.push({ ...scope, keys: g.changedKeys });
    }
    for (const sc of scopes) {
      out.push(
        `DELETE FROM ${conflicts} WHERE field = ${lit(field)} AND other_source = ${lit(source)}
           AND key IN (SELECT k FROM ${sc.keys})`,
        `INSERT INTO ${conflicts} BY NAME ${conflictsSql(f, sources, c.fresh, sc, only)}`,
      );
    }
  }
  return out;
}

/** A scope without the rows tables that cover only some of its keys (`Scope.partial`). */
export function complete(s: Scope): Scope {
  return { keys: s.keys, rows: new Map([...(s.rows ?? [])].filter(([k]) => !s.partial?.has(k))) };
}
