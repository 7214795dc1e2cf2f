import { z } from 'zod';
import type { Connector } from '../connectors/index.ts';
import {
  callerFile,
  deepFreeze,
  definedCatalogEntry,
  parseDefinition,
  reservedNameProblem,
} from '../schemas/index.ts';
import { keySpecSchema } from './key-spec.ts';

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
    catalog: definedCatalogEntry.optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    // A merge matches rows on the key (or mergeKey): without either there is nothing to match on.
    if (d.writeMode === 'merge' && !d.key && !d.mergeKey) {
      ctx.addIssue({
        code: 'custom',
        path: ['writeMode'],
        input: d.writeMode,
        message: '"merge" needs columns to match rows on, and this dataset has neither a key nor a mergeKey',
      });
    }
  });

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
export type Pipeline = Readonly<z.output<typeof pipelineSpecSchema>> & {
  readonly file?: string;
  /** Set for `gongshu ingest`: the file given on the command line (errors then speak of its flags). */
  readonly adHoc?: { readonly path: string };
};

const PIPELINE_HINTS = {
  name: 'name: "hukou" (lower-case letters, digits and _)',
  source: 'source: csv({ path: "data/gongan_hukou.csv" })',
  'dataset.name':
    'dataset: { name: "hukou" } (lower-case letters, digits and _; not a name reserved for gongshu or DuckDB)',
  'dataset.key': 'key: citizenId("公民身份号码") or key: uscc("统一社会信用代码")',
  'dataset.key.kind': 'key: citizenId("公民身份号码") or key: uscc("统一社会信用代码")',
  'dataset.writeMode':
    'writeMode: "replace" (rebuild the table each load), "append", or "merge" (upsert) with key: citizenId("…") or mergeKey: ["…"]',
  'dataset.contract': 'contract: "evolve" (default), "freeze", "discard-row" or "discard-value"',
};

/**
 * Defines a pipeline: validates the spec once and returns a frozen pipeline.
 * @example definePipeline({ name: 'hukou', source: csv({ path }), dataset: { name: 'hukou', key: citizenId('公民身份号码') } })
 */
export function definePipeline(spec: PipelineSpec): Pipeline {
  const file = callerFile();
  const data = parseDefinition(pipelineSpecSchema, spec, { file, kind: 'pipeline' }, PIPELINE_HINTS);
  // Connectors are objects with behaviour: frozen shallowly only.
  return deepFreeze({ ...data, ...(file ? { file } : {}) }, (v) => 'extract' in v);
}

/** What the pipelines layer reads of a project (`defineProject` in project/ makes the full one). */
export interface PipelineSet {
  readonly name: string;
  readonly pipelines: readonly Pipeline[];
  readonly file?: string | undefined;
}
