/** 及时性 dataset-freshness: the newest load is recent enough for the dataset's update cycle. */
import { z } from 'zod';
import { UPDATE_CYCLE_LABELS, UPDATE_CYCLE_MAX_AGE_DAYS, type UpdateCycle } from '../../../schemas/index.ts';
import { RuleError } from '../../errors.ts';
import { type CheckRule, makeRule, parseArgs, type RuleOptions } from '../../rule.ts';
import { workingDaysBetween } from '../../working-days.ts';
import type { CheckDefinition } from '../check.ts';
import { shanghaiDate } from './date-sql.ts';

const datasetFreshnessArgs = z.union([
  z.strictObject({
    cycle: z
      .enum(Object.keys(UPDATE_CYCLE_MAX_AGE_DAYS) as [UpdateCycle, ...UpdateCycle[]])
      .refine((c) => UPDATE_CYCLE_MAX_AGE_DAYS[c] !== null, {
        error: 'a cycle with a maximum age (irregular has none)',
      }),
  }),
  z.strictObject({ maxAgeDays: z.number().int().nonnegative() }),
  z.strictObject({ workingDays: z.number().int().nonnegative() }),
]);

/** A dataset-freshness rule. */
export type DatasetFreshnessRule = CheckRule<
  'dataset-freshness',
  z.output<typeof datasetFreshnessArgs>,
  null
>;

/** The maximum age in days of an update cycle (the factory accepts only cycles that have one). */
function cycleMaxAge(cycle: UpdateCycle): number {
  const days = UPDATE_CYCLE_MAX_AGE_DAYS[cycle];
  if (days === null) throw new RuleError(`update cycle "${cycle}" has no maximum age`);
  return days;
}

/**
 * The dataset was updated recently: its newest load is at most `maxAgeDays` (or `workingDays`) old, or within its
 * catalog update cycle (`cycle`). total = 1, failed = 1 when stale; the observed value is the age.
 * @example datasetFreshness({ cycle: 'daily' })
 */
export function datasetFreshness(
  age: { cycle: UpdateCycle } | { maxAgeDays: number } | { workingDays: number },
  options: RuleOptions = {},
): DatasetFreshnessRule {
  const args = parseArgs('datasetFreshness', datasetFreshnessArgs, age);
  const limit =
    'cycle' in args
      ? `${UPDATE_CYCLE_MAX_AGE_DAYS[args.cycle]} days (update cycle ${UPDATE_CYCLE_LABELS[args.cycle].zh} ${args.cycle})`
      : 'maxAgeDays' in args
        ? `${args.maxAgeDays} days`
        : `${args.workingDays} working days`;
  return makeRule({
    factory: 'datasetFreshness',
    check: 'dataset-freshness',
    dimension: 'timeliness',
    column: null,
    args,
    description: `the newest load is at most ${limit} old`,
    options: { id: 'dataset-freshness', severity: 'warn', ...options },
  });
}

/** The dataset-freshness check. */
export const DATASET_FRESHNESS: CheckDefinition<DatasetFreshnessRule> = {
  check: 'dataset-freshness',
  dimension: 'timeliness',
  description: {
    zh: '数据集最近一次加载不超过更新周期（或指定天数、工作日）',
    en: 'the newest load of the dataset is within its update cycle (or the given days or working days)',
  },
  compile: (rule, ctx) => ({
    type: 'meta',
    finish: () => {
      const a = rule.args;
      const last = ctx.loads.at(-1);
      if (!last) return { total: 1, failed: 1, observed: 'never loaded' };
      const day = shanghaiDate(new Date(last.finishedAt));
      const days = Math.round((Date.parse(ctx.asOf) - Date.parse(day)) / 86_400_000);
      if ('workingDays' in a) {
        const w = workingDaysBetween(day, ctx.asOf);
        return {
          total: 1,
          failed: w > a.workingDays ? 1 : 0,
          observed: `last load ${day}: ${w} working days old (allowed ${a.workingDays})`,
        };
      }
      const max = 'maxAgeDays' in a ? a.maxAgeDays : cycleMaxAge(a.cycle);
      return {
        total: 1,
        failed: days > max ? 1 : 0,
        observed: `last load ${day}: ${days} days old (allowed ${max})`,
      };
    },
  }),
};
