import { z } from 'zod';

/** The kinds of key a dataset can be keyed by. */
export const KEY_KINDS = ['citizen-id', 'uscc'] as const;

/** A dataset key: which identifier, in which source column. */
export const keySpecSchema = z
  .object({
    kind: z.enum(KEY_KINDS).meta({ description: 'citizen-id (GB 11643) or uscc (GB 32100)' }),
    column: z.string().min(1).meta({ description: 'the source column holding the key' }),
  })
  .strict();

/** A dataset key, as declared. */
export type KeySpec = z.output<typeof keySpecSchema>;

/** Keys a dataset by a citizen identity number column (normalised, validated, bad rows quarantined). */
export function citizenId(column: string): KeySpec {
  return { kind: 'citizen-id', column };
}

/** Keys a dataset by a unified social credit code column (normalised, validated, bad rows quarantined). */
export function uscc(column: string): KeySpec {
  return { kind: 'uscc', column };
}
