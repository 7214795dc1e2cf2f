/** The catalog's attributes for the platform hierarchy: what is reported upward (第十三条) and jurisdiction. */
import { z } from 'zod';

/** 逐级汇聚 (第十三条): what of a dataset is reported to the platform of the level above, separately from sharing. */
export const ReportScope = z.enum(['all', 'shareable', 'none']).meta({
  description:
    'all: every catalogued item goes up (the duty to report does not depend on sharing); shareable: only items whose share type is not "none", and nothing when the entry is not shared; none: never pushed. Defaults to shareable',
});
export type ReportScope = z.output<typeof ReportScope>;

/** Which division a row falls under, for backflow (回流) and for checking what a child reports. */
export const Jurisdiction = z.strictObject({
  column: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
    .optional()
    .meta({
      description: 'the item holding a six-digit GB/T 2260 code the row falls under, e.g. "division"',
    }),
  fromKey: z.literal(true).optional().meta({
    description:
      "derive the division from the key (citizen ID characters 1-6: where the number was first issued; USCC characters 3-8: the registering authority's area). Only where that is what the data means",
  }),
  basis: z
    .enum(['registered-residence', 'current-address', 'registering-authority', 'place-of-issue', 'other'])
    .optional()
    .meta({
      description:
        'what the code means: 户籍地 registered-residence, 现住址 current-address, 登记机关 registering-authority, 发证地 place-of-issue',
    }),
  outside: z.enum(['accept', 'flag', 'refuse']).default('flag').meta({
    description:
      "rows a child reports whose jurisdiction lies outside the child's division: accept, flag (counted in the receipt and the audit) or refuse the chunk. Defaults to flag",
  }),
});
export type Jurisdiction = z.output<typeof Jurisdiction>;
