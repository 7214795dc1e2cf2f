import { z } from 'zod';
import type { Connector } from '../connectors/index.ts';
import type { Foundation, Model, Schedule } from '../jobs/index.ts';
import { datasetQualitySchema } from '../quality/index.ts';
import type { CatalogEntry } from '../schemas/catalog.ts';
import { definitionErrorFromZod } from '../schemas/definition-issues.ts';
import { DefinitionError } from '../schemas/errors.ts';
import { reservedNameProblem } from '../schemas/index.ts';
import { callerFile } from './caller.ts';
import { keySpecSchema } from './keys.ts';

const NAME = /^[a-z][a-z0-9_]*$/;

/** How a load writes into the dataset table. */
export const WRITE_MODES = ['replace', 'append', 'merge'] as const;

/** What a load does when the source's columns differ from the table's (dlt's schema contracts). */
export const CONTRACTS = ['evolve', 'freeze', 'discard-row', 'discard-value'] as const;

const connectorSchema = z.custom<Connector>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Connector).extract === 'function' &&
    typeof (v as Connector).describe === 'function',
  { message: 'a connector, e.g. csv({ path: "data/hukou.csv" })' },
);

const catalogSchema = z.custom<CatalogEntry>(
  (v) => typeof v === 'object' && v !== null && 'code' in v && 'fields' in v,
  { message: 'a catalog entry made by defineCatalogEntry({...})' },
);

/** The dataset a pipeline loads into. */
export const datasetSpecSchema = z
  .object({
    name: z
      .string()
      .regex(NAME)
      .superRefine((name, ctx) => {
        const problem = reservedNameProblem(name);
        if (problem) ctx.addIssue({ code: 'custom', message: problem, input: name });
      })
      .meta({
        description:
          'the table name: lower-case letters, digits, _; not gongshu_*, a schema name (main, foundation, …) or a DuckDB system name',
      }),
    title: z.string().optional().meta({ description: 'display name, e.g. 户籍人口' }),
    key: keySpecSchema
      .optional()
      .meta({ description: 'citizenId(column) or uscc(column); unkeyed if absent' }),
    writeMode: z.enum(WRITE_MODES).default('replace').meta({
      description:
        'replace: a new table swapped in atomically; append: rows added; merge: upsert by the key (or mergeKey). Defaults to replace',
    }),
    mergeKey: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .meta({ description: 'dataset columns a merge matches rows on; defaults to the key column' }),
    contract: z.enum(CONTRACTS).default('evolve').meta({
      description:
        "evolve: add new columns; freeze: reject a load whose columns changed; discard-row: quarantine rows with values in new columns; discard-value: drop new columns' values (recorded). Defaults to evolve",
    }),
    incremental: z
      .object({
        column: z
          .string()
          .min(1)
          .meta({ description: 'the source column the cursor follows, e.g. 更新时间' }),
        initial: z
          .string()
          .optional()
          .meta({ description: 'load only rows after this value on the first run' }),
        lag: z.number().nonnegative().optional().meta({
          description:
            're-read this far behind the cursor (days for a date cursor, seconds for a timestamp, units for an integer); rows already loaded are skipped',
        }),
      })
      .strict()
      .optional(),
    catalog: catalogSchema.optional(),
  })
  .strict();

/** A pipeline: one source loaded into one dataset. */
export const pipelineSpecSchema = z
  .object({
    name: z.string().regex(NAME).meta({ description: 'unique pipeline name' }),
    description: z.string().optional(),
    source: connectorSchema,
    dataset: datasetSpecSchema,
  })
  .strict();

/** A pipeline as written by the user. */
export type PipelineSpec = z.input<typeof pipelineSpecSchema>;
/** A validated, frozen pipeline. */
export type Pipeline = Readonly<z.output<typeof pipelineSpecSchema>> & { readonly file?: string };

/** Node levels of the platform hierarchy. */
export const NODE_LEVELS = ['county', 'prefecture', 'region'] as const;

const pipelineSchema = z.custom<Pipeline>(
  (v) => typeof v === 'object' && v !== null && Object.isFrozen(v) && 'dataset' in v,
  { message: 'a pipeline made by definePipeline({...})' },
);

/** A project: the node it runs on and its pipelines. */
export const projectSpecSchema = z
  .object({
    name: z.string().regex(NAME),
    title: z.string().optional(),
    node: z
      .object({
        id: z
          .string()
          .regex(/^\d{6}$/)
          .meta({ description: 'the GB/T 2260 code of the node, e.g. 650000' }),
        level: z.enum(NODE_LEVELS),
        name: z.string().min(1),
      })
      .strict(),
    warehouse: z
      .string()
      .optional()
      .meta({ description: 'defaults to .gongshu/warehouse.duckdb in the project' }),
    memoryLimit: z
      .string()
      .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i)
      .optional()
      .meta({
        description: "DuckDB memory limit for this project's warehouse (e.g. '2GB'); DuckDB spills above it",
      }),
    divisionTable: z.string().optional().meta({
      description:
        'an official GB/T 2260 table (CSV code,name[,start,end], yescallop/areacodes result.csv, or "code name" lines) merged into the built-in one; relative to the project',
    }),
    pipelines: z.array(pipelineSchema).default([]),
    // Jobs are checked structurally: pipelines/ sits below jobs/ and imports only its types.
    foundations: z
      .array(
        z.custom<Foundation>(
          (v) =>
            typeof v === 'object' &&
            v !== null &&
            (v as Foundation).kind === 'foundation' &&
            Object.isFrozen(v),
          { message: 'a foundation made by defineFoundation({...})' },
        ),
      )
      .default([])
      .meta({ description: 'foundation databases (基础库): defineFoundation({ name, key, fields })' }),
    models: z
      .array(
        z.custom<Model>(
          (v) =>
            typeof v === 'object' &&
            v !== null &&
            (v as Model).kind === 'model' &&
            Array.isArray((v as Model).refs),
          { message: 'a model made by defineModel / theme / topic' },
        ),
      )
      .default([])
      .meta({ description: 'theme (主题库) and topic (专题库) SQL models with ref()' }),
    schedules: z
      .array(
        z.custom<Schedule>(
          (v) => typeof v === 'object' && v !== null && Object.isFrozen(v) && 'cron' in v && 'run' in v,
          { message: 'a schedule made by defineSchedule({...})' },
        ),
      )
      .default([])
      .meta({ description: 'cron schedules of pipelines and builds (gongshu serve)' }),
    platform: z.unknown().optional().meta({
      description:
        'platform hierarchy: keys, parent, children, entitlements; parsed by platformSchema (platform/config.ts) when a command needs it',
    }),
    quality: z
      .array(datasetQualitySchema)
      .default([])
      .meta({ description: 'declared quality rules per dataset: defineQuality(dataset, { rules, … })' }),
  })
  .strict();

/** A project as written by the user. */
export type ProjectSpec = z.input<typeof projectSpecSchema>;
/** A validated, frozen project. */
export type Project = Readonly<z.output<typeof projectSpecSchema>> & { readonly file?: string };

const PIPELINE_HINTS = {
  name: 'name: "hukou" (lower-case letters, digits and _)',
  source: 'source: csv({ path: "data/gongan_hukou.csv" })',
  'dataset.name':
    'dataset: { name: "hukou" } (lower-case letters, digits and _; not a name reserved for gongshu or DuckDB)',
  'dataset.key': 'key: citizenId("公民身份号码") or key: uscc("统一社会信用代码")',
  'dataset.key.kind': 'key: citizenId("公民身份号码") or key: uscc("统一社会信用代码")',
  'dataset.writeMode':
    'writeMode: "replace" (rebuild the table each load), "append" or "merge" (upsert by key)',
  'dataset.contract': 'contract: "evolve" (default), "freeze", "discard-row" or "discard-value"',
};

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) {
      // Connectors are objects with behaviour: freeze them shallowly only.
      if (v && typeof v === 'object' && !('extract' in v)) deepFreeze(v);
    }
  }
  return value;
}

/**
 * Defines a pipeline: validates the spec once and returns a frozen pipeline.
 * @example definePipeline({ name: 'hukou', source: csv({ path }), dataset: { name: 'hukou', key: citizenId('公民身份号码') } })
 */
export function definePipeline(spec: PipelineSpec): Pipeline {
  const file = callerFile();
  const parsed = pipelineSpecSchema.safeParse(spec, { reportInput: true });
  if (!parsed.success) {
    const name = typeof spec?.name === 'string' ? spec.name : '(unnamed)';
    throw definitionErrorFromZod(parsed.error, { file, object: `pipeline ${name}` }, PIPELINE_HINTS);
  }
  return deepFreeze({ ...parsed.data, ...(file ? { file } : {}) });
}

/**
 * Defines a project (the registry of a node's pipelines): validates once, checks names are unique,
 * returns a frozen project.
 */
export function defineProject(spec: ProjectSpec): Project {
  const file = callerFile();
  const parsed = projectSpecSchema.safeParse(spec, { reportInput: true });
  if (!parsed.success) {
    const name = typeof spec?.name === 'string' ? spec.name : '(unnamed)';
    throw definitionErrorFromZod(
      parsed.error,
      { file, object: `project ${name}` },
      {
        'node.id': 'node: { id: "650000" } (the six-digit division code of this node)',
        'pipelines.*': 'pipelines: [definePipeline({...}), ...]',
      },
    );
  }
  for (const [what, pick] of [
    ['pipeline', (p: Pipeline) => p.name],
    ['dataset', (p: Pipeline) => p.dataset.name],
  ] as const) {
    const seen = new Map<string, Pipeline>();
    for (const p of parsed.data.pipelines) {
      const other = seen.get(pick(p));
      if (other) {
        throw new DefinitionError(
          `${file ?? 'project'}: project ${parsed.data.name}: pipelines: ${what} name "${pick(p)}" is used twice ` +
            `(pipelines ${other.name} and ${p.name}${other.file && other.file !== file ? `, defined in ${other.file}` : ''}). ` +
            `Fix: give each ${what} its own name`,
          { file, field: 'pipelines', allowed: `unique ${what} names`, fix: `rename one ${what}` },
        );
      }
      seen.set(pick(p), p);
    }
  }
  return deepFreeze({ ...parsed.data, ...(file ? { file } : {}) });
}
