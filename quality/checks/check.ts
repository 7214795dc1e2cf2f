/** What a check module defines besides its factory: its name, dimension, description and how it compiles. */
import type { QualityDimension } from '../../schemas/index.ts';
import type { CompileContext, Plan } from '../plan.ts';
import type { RuleBase } from '../rule.ts';

/** A check description in Chinese and English: what a rule of this check verifies. */
export interface CheckDescription {
  readonly zh: string;
  readonly en: string;
}

/** One check kind: the rules its factory makes are `R`. */
export interface CheckDefinition<R extends RuleBase & { readonly check: string }> {
  readonly check: R['check'];
  /** The dimension of its rules; null when the rule chooses it (custom SQL). */
  readonly dimension: QualityDimension | null;
  readonly description: CheckDescription;
  /**
   * Turns one rule into a plan; `scope` is the SQL condition of its scope (`TRUE` when none), `masked` whether
   * samples and reproducing SQL show masked values.
   */
  readonly compile: (rule: R, ctx: CompileContext, scope: string, masked: boolean) => Plan;
}
