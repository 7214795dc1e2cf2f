import { z } from 'zod';
import { batchSizeOption } from '../batch-size.ts';
import { parseConnectorOptions } from '../file-source.ts';

/** The options of `excel({ … })`, validated once when the connector is created. */
export const excelOptionsSchema = z.strictObject({
  path: z
    .string()
    .min(1)
    .meta({ description: 'Path of the .xlsx file; relative paths resolve from the cwd.' }),
  sheet: z
    .union([z.string().min(1), z.number().int().positive()])
    .optional()
    .meta({ description: 'defaults to the first sheet (tab order): a sheet name, or its 1-based position.' }),
  headerRow: z.number().int().positive().optional().meta({
    description:
      'defaults to auto-detection among the first 20 rows: the 1-based Excel row number of the header.',
  }),
  batchSize: batchSizeOption(),
});

/** What `excel()` accepts. */
export type ExcelOptionsInput = z.input<typeof excelOptionsSchema>;

/** Parsed, defaulted, frozen Excel options. */
export type ExcelOptions = Readonly<z.output<typeof excelOptionsSchema>>;

/** Validates `excel()` options once, fills defaults and freezes them; throws a DefinitionError naming the field. */
export function parseExcelOptions(input: unknown): ExcelOptions {
  return parseConnectorOptions(
    excelOptionsSchema,
    input,
    'excel()',
    `excel({ path: 'data/book.xlsx', sheet: 'Sheet1', headerRow: 3 })`,
  );
}
