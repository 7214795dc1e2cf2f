/**
 * The shape of the quality engine's message catalog: one file per language (`zh-CN.ts`, `en.ts`) holds every
 * text the engine writes for people — what each check verifies, each rule's description from its arguments,
 * and the findings. TypeScript makes each language complete: a check without a text in one language does not
 * compile.
 */
import type { CheckName, RulesByCheck } from '../checks/registry.ts';

/** The texts of one check kind. */
export interface CheckMessages<R> {
  /** What a rule of this check verifies, in general. */
  readonly summary: string;
  /** The description of one rule, written from its column and arguments. */
  readonly rule: (rule: R) => string;
}

/** An anomaly of a metric against its own history, as the words of a finding need it. */
export interface AnomalyWords {
  readonly dataset: string;
  /** `rows` or the rule id whose pass rate is anomalous. */
  readonly rule: string | null;
  readonly kind: 'count' | 'rate';
  readonly value: number;
  readonly expected: number;
  readonly sd: number;
  readonly z: number;
  readonly history: number;
  readonly seasonalOffset: number;
}

/** Every text of the quality engine in one language. */
export interface QualityMessages {
  readonly lang: 'zh-CN' | 'en';
  readonly checks: { readonly [K in CheckName]: CheckMessages<RulesByCheck[K]> };
  /** An anomaly finding. */
  readonly anomaly: (a: AnomalyWords) => string;
  /** The combined scan of a dataset failed and its rules ran one by one. */
  readonly fallback: (dataset: string, error: string) => string;
  /** What aggregate rules observed. */
  readonly observed: {
    readonly neverLoaded: string;
    readonly loadAge: (day: string, age: number, allowed: number, workingDays: boolean) => string;
    readonly rows: (actual: number, expected: number) => string;
    readonly noPreviousLoad: string;
    readonly missingPeriods: (
      every: 'day' | 'week' | 'month' | 'quarter' | 'year',
      periods: string,
    ) => string;
  };
}

/** Text in both languages, as carried by rules and findings in the report. */
export interface Bilingual {
  readonly zh: string;
  readonly en: string;
}
