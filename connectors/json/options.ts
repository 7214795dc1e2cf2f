import { z } from 'zod';
import { batchSizeOption } from '../batch-size.ts';
import { CSV_ENCODINGS } from '../csv/options.ts';
import { parseConnectorOptions } from '../file-source.ts';

/** The options of `json({ … })`, validated once when the connector is created. */
export const jsonOptionsSchema = z.strictObject({
  path: z
    .string()
    .min(1)
    .meta({ description: 'Path of the JSON or NDJSON file; relative paths resolve from the cwd.' }),
  format: z.enum(['auto', 'array', 'ndjson']).default('auto').meta({
    description:
      'defaults to auto: a file starting with [ (or read with `records`) is one JSON document; else NDJSON.',
  }),
  records: z
    .string()
    .regex(/^[^.]+(\.[^.]+)*$/, 'a dotted path such as "data.list"')
    .optional()
    .meta({
      description: 'defaults to none: the dotted path of the records array inside a top-level object.',
    }),
  flatten: z
    .strictObject({
      separator: z.string().min(1).default('.').meta({ description: 'defaults to ".": joins nested keys.' }),
      maxDepth: z.number().int().nonnegative().optional().meta({
        description: 'defaults to unlimited: nesting levels flattened; deeper objects are kept as JSON text.',
      }),
    })
    .default({ separator: '.' })
    .meta({ description: 'defaults to { separator: "." }: nested objects become `a.b.c` columns.' }),
  encoding: z.enum(CSV_ENCODINGS).default('auto').meta({
    description: 'defaults to auto: UTF-8 BOM → utf-8; valid UTF-8 sample → utf-8; else gb18030.',
  }),
  batchSize: batchSizeOption(),
});

/** What `json()` accepts. */
export type JsonOptionsInput = z.input<typeof jsonOptionsSchema>;

/** Parsed, defaulted, frozen JSON options. */
export type JsonOptions = Readonly<z.output<typeof jsonOptionsSchema>>;

/** Validates `json()` options once, fills defaults and freezes them; throws a DefinitionError naming the field. */
export function parseJsonOptions(input: unknown): JsonOptions {
  const options = parseConnectorOptions(
    jsonOptionsSchema,
    input,
    'json()',
    `json({ path: 'data/list.json', records: 'data.list', flatten: { separator: '.' } })`,
  );
  Object.freeze(options.flatten);
  return options;
}
