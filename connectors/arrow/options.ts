import { z } from 'zod';
import { parseConnectorOptions } from '../file-source.ts';

/** The options of `arrow({ … })`, validated once when the connector is created. */
export const arrowOptionsSchema = z.strictObject({
  path: z.string().min(1).meta({
    description: 'Path of an Arrow IPC file (.arrow/.feather v2) or stream (.arrows); relative to the cwd.',
  }),
});

/** What `arrow()` accepts. */
export type ArrowOptionsInput = z.input<typeof arrowOptionsSchema>;

/** Parsed, frozen Arrow options. */
export type ArrowOptions = Readonly<z.output<typeof arrowOptionsSchema>>;

/** Validates `arrow()` options once and freezes them; throws a DefinitionError naming the field. */
export function parseArrowOptions(input: unknown): ArrowOptions {
  return parseConnectorOptions(arrowOptionsSchema, input, 'arrow()', `arrow({ path: 'data/push.arrow' })`);
}
