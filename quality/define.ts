import { z } from 'zod';
import { definitionErrorFromZod, QualityDimension } from '../schemas/index.ts';
import { type Rule, ruleSchema } from './checks/registry.ts';

/** How rules are weighted inside a dimension. */
export const RULE_WEIGHTING = ['rows', 'equal'] as const;

/** The quality spec of one dataset, as written in code. */
export const datasetQualitySpecSchema = z.strictObject({
  rules: z.array(ruleSchema).default([]).meta({ description: 'declared rules, made by the check factories' }),
  blankValues: z.array(z.string()).default([]).meta({
    description: 'texts meaning "no value" for the default not-null rules, e.g. ["无", "-", "NULL"]',
  }),
  defaults: z.boolean().default(true).meta({
    description: 'derive rules from the catalog and key (built-in key rules always apply); defaults to true',
  }),
  exclude: z.array(z.string()).default([]).meta({ description: 'ids of default rules to drop' }),
  weights: z
    .strictObject({
      dimensions: z
        .partialRecord(QualityDimension, z.number().positive())
        .default({})
        .meta({ description: 'weight of each dimension in the dataset score; defaults to 1 each' }),
      rules: z.enum(RULE_WEIGHTING).default('rows').meta({
        description: 'rows: pass rates weighted by rows evaluated (default); equal: mean of pass rates',
      }),
    })
    .default({ dimensions: {}, rules: 'rows' }),
});

/** A dataset's quality spec as written. */
export type DatasetQualitySpec = z.input<typeof datasetQualitySpecSchema>;

/** A validated, frozen dataset quality definition. */
export type DatasetQuality = Readonly<Omit<z.output<typeof datasetQualitySpecSchema>, 'rules'>> & {
  readonly dataset: string;
  readonly rules: readonly Rule[];
};

/**
 * Declares quality rules for a dataset; validated once, frozen. Carry them in the project: `quality: [...]`.
 * @example defineQuality('hukou', { rules: [freshness('registered_on', { maxAge: '3 years' })], blankValues: ['无'] })
 */
export function defineQuality(dataset: string, spec: DatasetQualitySpec = {}): DatasetQuality {
  const name = z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .safeParse(dataset);
  if (!name.success) {
    throw definitionErrorFromZod(
      name.error,
      { object: 'defineQuality(dataset, …)' },
      {
        '(root)': 'defineQuality("hukou", {...}) with the dataset (table) name',
      },
    );
  }
  const parsed = datasetQualitySpecSchema.safeParse(spec, { reportInput: true });
  if (!parsed.success) {
    throw definitionErrorFromZod(
      parsed.error,
      { object: `defineQuality("${dataset}")` },
      {
        'rules.*': 'rules: [notNull("name"), inCodeTable("ethnicity", "ethnicity"), …]',
      },
    );
  }
  const seen = new Set<string>();
  for (const r of parsed.data.rules) {
    if (seen.has(r.id)) {
      throw definitionErrorFromZod(
        new z.ZodError([
          { code: 'custom', path: ['rules'], message: `rule id "${r.id}" is used twice`, input: r.id },
        ]),
        { object: `defineQuality("${dataset}")` },
        { rules: 'give one of them another id: notNull("x", { id: "not-null:x:strict" })' },
      );
    }
    seen.add(r.id);
  }
  const out = { ...parsed.data, dataset, rules: Object.freeze([...parsed.data.rules]) };
  Object.freeze(out.weights.dimensions);
  Object.freeze(out.weights);
  Object.freeze(out.blankValues);
  Object.freeze(out.exclude);
  return Object.freeze(out);
}

/** A zod schema accepting `defineQuality(...)` results — for `defineProject({ quality: [...] })`. */
export const datasetQualitySchema = z.custom<DatasetQuality>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    Object.isFrozen(v) &&
    typeof (v as DatasetQuality).dataset === 'string' &&
    Array.isArray((v as DatasetQuality).rules),
  { message: 'a dataset quality definition made by defineQuality("<dataset>", {...})' },
);
