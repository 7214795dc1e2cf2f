import { z } from 'zod';
import { batchSizeOption } from '../batch-size.ts';
import { parseConnectorOptions } from '../file-source.ts';

/** Candidate delimiters, in the order sniffing prefers them on a tie. */
export const CSV_DELIMITERS = [',', '\t', ';', '|'] as const;

/** Encodings a CSV file may be declared in; `auto` detects UTF-8 vs GB18030. */
export const CSV_ENCODINGS = ['auto', 'utf-8', 'gb18030', 'gbk'] as const;

/** The options of `csv({ … })`, validated once when the connector is created. */
export const csvOptionsSchema = z
  .strictObject({
    path: z
      .string()
      .min(1)
      .meta({ description: 'Path of the CSV file; relative paths resolve from the cwd.' }),
    encoding: z.enum(CSV_ENCODINGS).default('auto').meta({
      description: 'defaults to auto: UTF-8 BOM → utf-8; valid UTF-8 sample → utf-8; else gb18030.',
    }),
    delimiter: z
      .enum(['auto', ...CSV_DELIMITERS])
      .default('auto')
      .meta({ description: 'defaults to auto: sniffed from the first lines among , \\t ; |.' }),
    header: z
      .union([
        z.literal(true),
        z
          .array(z.string().trim().min(1))
          .min(1)
          .refine((names) => new Set(names).size === names.length, 'column names must be unique'),
      ])
      .default(true)
      .meta({ description: 'defaults to true (the first record is the header); or the column names.' }),
    quote: z
      .string()
      .length(1)
      .refine((q) => q !== '\r' && q !== '\n', 'the quote cannot be a line break')
      .default('"')
      .meta({ description: 'defaults to ". A quote inside a quoted field is doubled.' }),
    parser: z.enum(['auto', 'js']).default('auto').meta({
      description:
        "defaults to auto: a loader stages the file with DuckDB's parallel reader when it verifies (every physical line accounted for), else parses it in JS; js: always the JS parser",
    }),
    batchSize: batchSizeOption(),
    skipLines: z
      .number()
      .int()
      .nonnegative()
      .default(0)
      .meta({ description: 'defaults to 0: physical lines (titles) above the header to skip.' }),
  })
  .refine((o) => o.delimiter === 'auto' || o.delimiter !== o.quote, {
    message: 'quote and delimiter must differ',
    path: ['quote'],
  });

/** What `csv()` accepts. */
export type CsvOptionsInput = z.input<typeof csvOptionsSchema>;

/** Parsed, defaulted, frozen CSV options. */
export type CsvOptions = Readonly<z.output<typeof csvOptionsSchema>>;

/** Validates `csv()` options once, fills defaults and freezes them; throws a DefinitionError naming the field. */
export function parseCsvOptions(input: unknown): CsvOptions {
  return parseConnectorOptions(
    csvOptionsSchema,
    input,
    'csv()',
    `csv({ path: 'data/file.csv', encoding: 'auto', delimiter: 'auto', header: true, skipLines: 0 })`,
  );
}
