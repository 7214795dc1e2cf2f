/** The code tables as rows of the warehouse's `gongshu.code_tables`, for SQL checks. */
import { z } from 'zod';
import { ETHNICITY_TABLE } from './ethnicity.ts';
import { MARITAL_TABLE } from './marital.ts';
import { SEX_TABLE } from './sex.ts';

/** A row of `gongshu.code_tables`, the code tables as loaded into the warehouse for SQL checks. */
export const CodeTableRow = z.object({
  table: z.enum(['sex', 'marital', 'ethnicity']).meta({ description: 'which code table' }),
  code: z.string().meta({ description: 'the code, as text (leading zeros kept)' }),
  name_zh: z.string().meta({ description: 'Chinese label' }),
  name_en: z.string().meta({ description: 'English label' }),
});
/** A row of `gongshu.code_tables`. */
export type CodeTableRow = z.output<typeof CodeTableRow>;

/** All code tables as flat rows `{ table, code, name_zh, name_en }`, for the warehouse's `gongshu.code_tables`. */
export const CODE_TABLES: readonly CodeTableRow[] = Object.freeze(
  [
    ...SEX_TABLE.map((r) => ({
      table: 'sex' as const,
      code: r.code,
      name_zh: r.name_zh,
      name_en: r.name_en,
    })),
    ...MARITAL_TABLE.map((r) => ({
      table: 'marital' as const,
      code: r.code,
      name_zh: r.name_zh,
      name_en: r.name_en,
    })),
    ...ETHNICITY_TABLE.map((r) => ({
      table: 'ethnicity' as const,
      code: r.code,
      name_zh: r.name_zh,
      name_en: r.name_en,
    })),
  ].map((r) => Object.freeze(r)),
);
