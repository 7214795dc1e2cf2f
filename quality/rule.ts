/**
 * Rules are data: a check kind with its arguments, a dimension, a severity, a scope and a threshold.
 * Check factories (`notNull`, `inCodeTable`, …) validate their arguments when called and write the rule's
 * description; the compiler (`compiler.ts`) turns rules into SQL.
 */
import { z } from 'zod';
import { definitionErrorFromZod, type QualityDimension, QualitySeverity } from '../schemas/index.ts';

/** Options every check factory accepts. */
export const RuleOptions = z.strictObject({
  id: z
    .string()
    .regex(/^[^\s]{1,120}$/, { error: 'an id without spaces, e.g. "not-null:name"' })
    .optional()
    .meta({ description: 'rule id, unique within the dataset; defaults to "<check>:<column>"' }),
  severity: QualitySeverity.optional().meta({ description: 'defaults to error (warn for timeliness)' }),
  where: z
    .string()
    .trim()
    .min(1)
    .optional()
    .meta({ description: 'SQL condition: only rows where it is TRUE are evaluated' }),
  partition: z
    .strictObject({ column: z.string().min(1), value: z.union([z.string(), z.number()]) })
    .optional()
    .meta({ description: 'evaluate one partition only: column = value' }),
  scope: z
    .enum(['all', 'latest-load'])
    .optional()
    .meta({ description: 'all rows (default) or only the rows of the latest load (this load only)' }),
  mostly: z
    .number()
    .min(0)
    .max(1)
    .optional()
    .meta({ description: 'threshold: passes when passRate ≥ mostly; defaults to 1' }),
  weight: z
    .number()
    .positive()
    .optional()
    .meta({ description: 'weight inside its dimension; defaults to 1' }),
  description: z.string().min(1).optional().meta({ description: 'replaces the generated description' }),
});
/** Options every check factory accepts. */
export type RuleOptions = z.input<typeof RuleOptions>;

/** Where a rule came from. */
export type RuleOrigin = 'builtin' | 'default' | 'declared';

/** A rule: plain, frozen, JSON-serialisable data. */
export interface Rule {
  readonly id: string;
  /** The check kind, e.g. `not-null`; the compiler knows how to turn each into SQL. */
  readonly check: string;
  readonly dimension: QualityDimension;
  readonly severity: QualitySeverity;
  readonly column: string | null;
  readonly description: string;
  readonly where: string | null;
  readonly partition: { readonly column: string; readonly value: string | number } | null;
  readonly scope: 'all' | 'latest-load';
  readonly mostly: number;
  readonly weight: number;
  readonly origin: RuleOrigin;
  /** The check's validated arguments. */
  readonly args: Readonly<Record<string, unknown>>;
}

/** A column name argument. */
export const columnArg = z.string().trim().min(1).meta({ description: 'a column of the dataset table' });

/** Validates a factory's arguments or throws a DefinitionError naming the factory and the fix. */
export function parseArgs<S extends z.ZodType>(factory: string, schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw definitionErrorFromZod(parsed.error, { object: `quality rule ${factory}(…)` });
  return parsed.data;
}

/** Builds a frozen rule from a factory's validated arguments and the caller's options. */
export function makeRule(spec: {
  factory: string;
  check: string;
  dimension: QualityDimension;
  column: string | null;
  args: Record<string, unknown>;
  description: string;
  options: RuleOptions | undefined;
  defaultSeverity?: QualitySeverity;
}): Rule {
  const o = parseArgs(spec.factory, RuleOptions, spec.options ?? {});
  const partition = o.partition ?? null;
  return Object.freeze({
    id: o.id ?? (spec.column ? `${spec.check}:${spec.column}` : spec.check),
    check: spec.check,
    dimension: spec.dimension,
    severity: o.severity ?? spec.defaultSeverity ?? 'error',
    column: spec.column,
    description: o.description ?? spec.description,
    where: o.where ?? null,
    partition: partition ? Object.freeze({ ...partition }) : null,
    scope: o.scope ?? 'all',
    mostly: o.mostly ?? 1,
    weight: o.weight ?? 1,
    origin: 'declared' as RuleOrigin,
    args: Object.freeze({ ...spec.args }),
  });
}

/** The same rule with another origin (defaults and built-ins are made by the same factories). */
export function withOrigin(rule: Rule, origin: RuleOrigin): Rule {
  return Object.freeze({ ...rule, origin });
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
