/** A zod schema for an identifier field: outputs the normalised identifier, fails with the reason it is invalid. */
import { z } from 'zod';

/** What an identifier parser returns that the schema needs. */
interface Parsed {
  readonly valid: boolean;
  readonly reason: string | null;
  readonly normalized: string | null;
}

/** The schema of a field holding an identifier that `parse` validates and normalises. */
export function identifierSchema(parse: (value: string) => Parsed) {
  return z.string().transform((value, ctx) => {
    const result = parse(value);
    if (!result.valid || result.normalized === null) {
      ctx.addIssue({ code: 'custom', message: result.reason ?? 'format', input: value });
      return z.NEVER;
    }
    return result.normalized;
  });
}
