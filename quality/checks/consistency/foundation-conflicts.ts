/**
 * 一致性 foundation-conflicts: a foundation field agrees with the other departments that hold it. The foundation
 * build records every disagreeing value in `foundation.<name>_conflicts` (key, field, source, value,
 * other_source, other_value); this check reads it: total = keys of the foundation with a value in the field,
 * failed = keys with at least one conflict on it. Derived for every compared field of a foundation (warn).
 */
import { maskSqlExpression, quoteIdent, quoteLiteral } from '../../../schemas/index.ts';
import { columnSql, num, presentSql } from '../../column-sql.ts';
import { RuleError } from '../../errors.ts';
import { type CheckRule, columnArg, makeRule, parseArgs, type RuleOptions } from '../../rule.ts';
import type { CheckDefinition } from '../check.ts';

/** A foundation-conflicts rule. */
export type FoundationConflictsRule = CheckRule<'foundation-conflicts', Readonly<Record<never, never>>>;

/**
 * The foundation field `column` has no recorded conflict with another department's value.
 * @example foundationConflicts('name')
 */
export function foundationConflicts(column: string, options: RuleOptions = {}): FoundationConflictsRule {
  const col = parseArgs('foundationConflicts', columnArg, column);
  return makeRule({
    factory: 'foundationConflicts',
    check: 'foundation-conflicts',
    dimension: 'consistency',
    column: col,
    args: {},
    options: { id: `conflicts:${col}`, severity: 'warn', ...options },
  });
}

/** The foundation-conflicts check. */
export const FOUNDATION_CONFLICTS: CheckDefinition<FoundationConflictsRule> = {
  check: 'foundation-conflicts',
  dimension: 'consistency',
  compile(rule, ctx, scope, masked) {
    const { table, keyColumn, keyKind } = ctx.dataset;
    const dot = table.indexOf('.');
    if (dot < 0 || table.slice(0, dot) !== 'foundation' || !keyColumn) {
      throw new RuleError(
        `foundationConflicts reads the conflicts of a foundation table (foundation.<name>); ${ctx.dataset.dataset} is not one. Fix: declare it with defineQuality('foundation.<name>', …)`,
      );
    }
    const conflicts = `foundation.${quoteIdent(`${table.slice(dot + 1)}_conflicts`)}`;
    const field = quoteLiteral(rule.column);
    const k = columnSql(ctx, keyColumn);
    const inScope = `(SELECT ${k} FROM ${ctx.tableSql} WHERE ${scope} AND ${presentSql(ctx, rule.column)})`;
    const key = masked && keyKind ? maskSqlExpression(keyKind, 'c.key') : 'c.key';
    return {
      type: 'query',
      kind: 'join',
      sql: `SELECT (SELECT count(*) FROM ${ctx.tableSql} WHERE ${scope} AND ${presentSql(ctx, rule.column)}) AS total,
        (SELECT count(DISTINCT c.key) FROM ${conflicts} AS c WHERE c.field = ${field} AND c.key IN ${inScope}) AS failed`,
      finish: (row) => ({ total: num(row.total), failed: num(row.failed) }),
      sampleSql: `SELECT ${key} AS key, NULL AS _source, c.other_source || ' ≠ ' || c.source AS value
        FROM ${conflicts} AS c WHERE c.field = ${field} ORDER BY c.key, c.other_source LIMIT 100`,
    };
  },
};
