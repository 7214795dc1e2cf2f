import { z } from 'zod';

/** The options of `parquet({ … })`, validated once when the connector is created. */
export const parquetOptionsSchema = z.strictObject({
  path: z.string().min(1).meta({
    description: 'a Parquet file, or a glob of files with the same columns (e.g. "drop/*.parquet")',
  }),
});

/** What `parquet()` accepts. */
export type ParquetOptionsInput = z.input<typeof parquetOptionsSchema>;
/** Parsed options of `parquet()`. */
export type ParquetOptions = Readonly<z.output<typeof parquetOptionsSchema>>;
