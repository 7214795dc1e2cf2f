/** The `batchSize` option every connector has: rows per extracted batch, 10,000 unless given. */
import { z } from 'zod';

/** The `batchSize` option, described as the connector reads its batches. */
export function batchSizeOption(description = 'defaults to 10,000 rows per extracted batch.') {
  return z.number().int().positive().default(10_000).meta({ description });
}
