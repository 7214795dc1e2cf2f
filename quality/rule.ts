/**
 * Rules are data: a check kind with its arguments, a dimension, a severity, a scope and a threshold.
 * Check factories (`notNull`, `inCodeTable`, …, one module each under `checks/`) validate their arguments when
 * called and write the rule's description; the compiler (`compiler.ts`) turns rules into SQL.
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

/** What every rule has, whatever its check: plain, frozen, JSON-serialisable data. */
export interface RuleBase {
  readonly id: string;
  readonly dimension: QualityDimension;
  readonly severity: QualitySeverity;
  readonly description: string;
  readonly where: string | null;
  readonly partition: { readonly column: string; readonly value: string | number } | null;
  readonly scope: 'all' | 'latest-load';
  readonly mostly: number;
  readonly weight: number;
  readonly origin: RuleOrigin;
}

/**
 * A rule of one check kind: `check` names it (e.g. `not-null`), `args` are its validated arguments and `column`
 * the column it reads (`string` for checks that always read one). The union of all of them is `Rule`
 * (`checks/registry.ts`).
 */
export type CheckRule<C extends string, A, Col extends string | null = string> = RuleBase & {
  readonly check: C;
  readonly column: Col;
  readonly args: Readonly<A>;
};

/** A column name argument. */
export const columnArg = z.string().trim().min(1).meta({ description: 'a column of the dataset table' });

/** Validates a factory's arguments or throws a DefinitionError naming the factory and the fix. */
export function parseArgs<S extends z.ZodType>(factory: string, schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw definitionErrorFromZod(parsed.error, { object: `quality rule ${factory}(…)` });
  return parsed.data;
}

/** Builds a frozen rule from a factory's validated arguments and the caller's options. */
export function makeRule<C extends string, A extends object, Col extends string | null>(spec: {
  factory: string;
  check: C;
  dimension: QualityDimension;
  column: Col;
  args: A;
  description: string;
  options: RuleOptions | undefined;
  defaultSeverity?: QualitySeverity;
}): CheckRule<C, A, Col> {
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
export function withOrigin<R extends RuleBase>(rule: R, origin: RuleOrigin): R {
  return Object.freeze({ ...rule, origin });
}
