import { z } from 'zod';
import {
  type CatalogEntry,
  callerFile,
  deepFreeze,
  definedCatalogEntry,
  parseDefinition,
  QualityDimension,
} from '../../schemas/index.ts';
import { DefinitionError } from '../errors.ts';

const NAME = /^[a-z][a-z0-9_]*$/;

/** The layers a SQL model materialises into (each its own DuckDB schema). */
export const MODEL_LAYERS = ['theme', 'topic'] as const;
/** A model layer. */
export type ModelLayer = (typeof MODEL_LAYERS)[number];

/** The context a model's SQL function receives: `ref(name)` returns the quoted table of a dependency. */
export interface ModelContext {
  /** `ref('foundation.population')`, `ref('hukou')` (a dataset), `ref('theme.births_by_county')` or a bare model name. */
  ref(name: string): string;
}

const sqlSchema = z.union([
  z.string().min(1),
  z.custom<(ctx: ModelContext) => string>((v) => typeof v === 'function', {
    message: "SQL text with {{ ref('name') }}, or a function ({ ref }) => SQL",
  }),
]);

/** Quality thresholds a model's upstream datasets must meet (each 0–100), checked before it is built. */
export const gateThresholdsSchema = z
  .object({
    score: z.number().min(0).max(100).optional().meta({ description: 'minimum dataset score' }),
    dimensions: z
      .partialRecord(QualityDimension, z.number().min(0).max(100))
      .optional()
      .meta({ description: 'minimum score per dimension, e.g. { validity: 95 }' }),
    rules: z.enum(['error', 'warn', 'none']).default('error').meta({
      description:
        'also block on a failing rule of this severity or above (none: thresholds only); defaults to error',
    }),
  })
  .strict();

/**
 * A model's quality gate: `error` (default) — not built while an upstream dataset fails an error-severity rule
 * (status `blocked`); `warn` — built, the failing rules are reported as warnings; `none` — no check;
 * thresholds `{ score, dimensions, rules }` — blocked when an upstream dataset scores below them.
 */
export const gateSchema = z.union([z.enum(['error', 'warn', 'none']), gateThresholdsSchema]);
/** A model's quality gate (validated). */
export type Gate = z.output<typeof gateSchema>;

/** A SQL model of the theme (主题库) or topic (专题库) layer. */
export const modelSchema = z
  .object({
    name: z.string().regex(NAME).meta({ description: 'materialised as <layer>.<name>' }),
    layer: z.enum(MODEL_LAYERS).meta({ description: 'theme (主题库) or topic (专题库)' }),
    title: z.string().optional().meta({ description: 'display name, e.g. 卫生健康主题库：分县出生死亡参保' }),
    description: z.string().optional(),
    sql: sqlSchema.meta({
      description:
        "a SELECT; dependencies through ref(): ({ ref }) => a function of { ref } returning SQL that names ref('foundation.population'), or text with {{ ref('hukou') }}",
    }),
    catalog: definedCatalogEntry.optional().meta({
      description:
        'the catalog entry of the built table; with one, gongshu push reports it upward as <layer>.<name> (a build is the unit). Defaults to none',
    }),
    gate: gateSchema.default('error').meta({
      description:
        'error: not built (blocked) while an upstream dataset fails an error-severity quality rule; warn: built, failing rules reported as warnings; none: always built; { score, dimensions, rules }: blocked below these scores. Defaults to error',
    }),
  })
  .strict();

/** A model as written. */
export type ModelSpec = z.input<typeof modelSchema>;

/** A validated, frozen model: its refs are known from its definition. */
export interface Model {
  readonly kind: 'model';
  readonly name: string;
  readonly layer: ModelLayer;
  readonly title: string | undefined;
  readonly description: string | undefined;
  readonly gate: Gate;
  /** The catalog entry of the built table, when it is reported upward. */
  readonly catalog?: CatalogEntry;
  /** The names passed to `ref()`, in order of first use. */
  readonly refs: readonly string[];
  /** The SQL with every `ref()` resolved by `resolve`. */
  render(resolve: (ref: string) => string): string;
  readonly file?: string;
}

const TEMPLATE_REF = /\{\{\s*ref\(\s*['"]([^'"]+)['"]\s*\)\s*\}\}/g;

/** Builds a model from a spec and the file it was written in. */
export function makeModel(spec: ModelSpec, file: string | undefined): Model {
  const d = parseDefinition(
    modelSchema,
    spec,
    { file, kind: 'model' },
    {
      layer: 'layer: "theme" or layer: "topic"',
      sql: 'sql: "SELECT … FROM {{ ref(\'foundation.population\') }}" or ({ ref }) => SQL text',
    },
  );
  const render = (resolve: (ref: string) => string): string => {
    if (typeof d.sql === 'string') return d.sql.replace(TEMPLATE_REF, (_, name: string) => resolve(name));
    return d.sql({ ref: resolve });
  };
  const refs: string[] = [];
  try {
    render((name) => {
      if (!refs.includes(name)) refs.push(name);
      return `"__ref_${refs.indexOf(name)}"`;
    });
  } catch (error) {
    throw new DefinitionError(
      `${file ?? 'model'}: model ${d.name}: sql: the SQL function threw: ${(error as Error).message}. ` +
        'Fix: the function may only call ref() and build text',
      { file, field: 'sql', fix: 'make the SQL function pure' },
    );
  }
  return Object.freeze({
    kind: 'model' as const,
    name: d.name,
    layer: d.layer,
    title: d.title,
    description: d.description,
    gate: typeof d.gate === 'string' ? d.gate : deepFreeze({ ...d.gate }),
    ...(d.catalog ? { catalog: d.catalog } : {}),
    refs: deepFreeze(refs),
    render,
    ...(file ? { file } : {}),
  });
}

/**
 * Defines a SQL model. Its `ref()`s are read now, so the DAG can be checked when the project is defined.
 * @example defineModel({ name: 'deaths_by_county', layer: 'theme',
 *   sql: ({ ref }) => `SELECT division, count(*) AS deaths FROM ${ref('foundation.population')} WHERE died_on IS NOT NULL GROUP BY 1` })
 */
export function defineModel(spec: ModelSpec): Model {
  return makeModel(spec, callerFile());
}
