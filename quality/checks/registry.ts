/**
 * The registry of checks: every check kind, its module, and the `Rule` type — the union of the rules their
 * factories make, told apart by `check`. Compiling a rule looks its check up here, typed by the rule.
 */
import { z } from 'zod';
import type { QualityDimension } from '../../schemas/index.ts';
import { RuleError } from '../errors.ts';
import { MATCHES_SOURCE, type MatchesSourceRule } from './accuracy/matches-source.ts';
import type { CheckDefinition, CheckDescription } from './check.ts';
import { KEY_COMPLETE, type KeyCompleteRule } from './completeness/key-complete.ts';
import { NOT_NULL, type NotNullRule } from './completeness/not-null.ts';
import { RECORD_COUNT, type RecordCountRule } from './completeness/record-count.ts';
import { AGREES_WITH_KEY, type AgreesWithKeyRule } from './consistency/agrees-with-key.ts';
import { KEY_UNIQUE, type KeyUniqueRule } from './consistency/key-unique.ts';
import { REFERENCES, type ReferencesRule } from './consistency/references.ts';
import { SAME_AS, type SameAsRule } from './consistency/same-as.ts';
import { UNIQUE, type UniqueRule } from './consistency/unique.ts';
import { DATASET_FRESHNESS, type DatasetFreshnessRule } from './timeliness/dataset-freshness.ts';
import { FRESHNESS, type FreshnessRule } from './timeliness/freshness.ts';
import { LAG, type LagRule } from './timeliness/lag.ts';
import { PERIODS_CHECK, type PeriodsRule } from './timeliness/periods.ts';
import { BETWEEN, type BetweenRule } from './validity/between.ts';
import { CITIZEN_ID, type CitizenIdRule } from './validity/citizen-id.ts';
import { CODE_TABLE, type CodeTableRule } from './validity/code-table.ts';
import { IN_SET, type InSetRule } from './validity/in-set.ts';
import { KEY_VALID, type KeyValidRule } from './validity/key-valid.ts';
import { LENGTH, type LengthRule } from './validity/length.ts';
import { MATCHES, type MatchesRule } from './validity/matches.ts';
import { PARSES, type ParsesRule } from './validity/parses.ts';
import { SQL_PREDICATE, type SqlPredicateRule } from './validity/sql-predicate.ts';
import { USCC, type UsccRule } from './validity/uscc.ts';

/** The rule type of each check kind. */
interface RulesByCheck {
  'not-null': NotNullRule;
  'record-count': RecordCountRule;
  'key-complete': KeyCompleteRule;
  matches: MatchesRule;
  length: LengthRule;
  between: BetweenRule;
  'in-set': InSetRule;
  'code-table': CodeTableRule;
  parses: ParsesRule;
  'citizen-id': CitizenIdRule;
  uscc: UsccRule;
  sql: SqlPredicateRule;
  'key-valid': KeyValidRule;
  freshness: FreshnessRule;
  'dataset-freshness': DatasetFreshnessRule;
  lag: LagRule;
  periods: PeriodsRule;
  'agrees-with-key': AgreesWithKeyRule;
  unique: UniqueRule;
  'key-unique': KeyUniqueRule;
  references: ReferencesRule;
  'same-as': SameAsRule;
  'matches-source': MatchesSourceRule;
}

/** A check kind, e.g. `not-null`. */
export type CheckName = keyof RulesByCheck;

/** A rule made by a check factory: plain, frozen, JSON-serialisable data; `check` tells its kind and arguments. */
export type Rule = RulesByCheck[CheckName];

/** The checks, by kind. */
const CHECKS: { readonly [K in CheckName]: CheckDefinition<RulesByCheck[K]> } = Object.freeze({
  // 完整性 completeness
  'not-null': NOT_NULL,
  'record-count': RECORD_COUNT,
  'key-complete': KEY_COMPLETE,
  // 有效性 validity
  matches: MATCHES,
  length: LENGTH,
  between: BETWEEN,
  'in-set': IN_SET,
  'code-table': CODE_TABLE,
  parses: PARSES,
  'citizen-id': CITIZEN_ID,
  uscc: USCC,
  sql: SQL_PREDICATE,
  'key-valid': KEY_VALID,
  // 及时性 timeliness
  freshness: FRESHNESS,
  'dataset-freshness': DATASET_FRESHNESS,
  lag: LAG,
  periods: PERIODS_CHECK,
  // 一致性 consistency
  'agrees-with-key': AGREES_WITH_KEY,
  unique: UNIQUE,
  'key-unique': KEY_UNIQUE,
  references: REFERENCES,
  'same-as': SAME_AS,
  // 准确性 accuracy
  'matches-source': MATCHES_SOURCE,
});

/** What is known of a check kind without its compiler: its dimension (null: chosen per rule) and description. */
export interface CheckSummary {
  readonly check: CheckName;
  readonly dimension: QualityDimension | null;
  readonly description: CheckDescription;
}

/** Each check kind with its dimension and its description in Chinese and English. */
export const QUALITY_CHECKS: { readonly [K in CheckName]: CheckSummary } = CHECKS;

/** A rule of check `K`, with `check` known to be `K`. */
type RuleOf<K extends CheckName> = { [P in K]: RulesByCheck[P] }[K] & { readonly check: K };

/**
 * The check of a rule, typed by the rule: its `compile` takes exactly this rule. A rule whose check is not
 * registered (made by hand with `makeRule`) is a RuleError.
 */
export function checkOf<K extends CheckName>(rule: RuleOf<K>): CheckDefinition<RulesByCheck[K]> {
  if (!Object.hasOwn(CHECKS, rule.check)) throw new RuleError(`unknown check kind "${rule.check}"`);
  return CHECKS[rule.check];
}

/** A zod schema accepting a rule made by a factory (for project config). */
export const ruleSchema = z.custom<Rule>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    Object.isFrozen(v) &&
    typeof (v as Rule).id === 'string' &&
    typeof (v as Rule).check === 'string',
  {
    message: 'a rule made by a check factory, e.g. notNull("name") or inCodeTable("ethnicity", "ethnicity")',
  },
);
