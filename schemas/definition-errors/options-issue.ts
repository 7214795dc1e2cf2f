/** The definition error of a factory's options (a connector's): the first issue, its value unless secret. */
import type { z } from 'zod';
import { DefinitionError } from '../errors.ts';
import { valueAt } from './input-paths.ts';
import { definitionMessage } from './message.ts';

/**
 * `where: field: expected <the schema's message>; got <value>. Fix: <example call>` for the first issue.
 * Values of fields matching `secret` (passwords, connection strings) are never echoed back.
 */
export function optionsDefinitionError(
  error: z.ZodError,
  input: unknown,
  where: string,
  fix: string,
  secret?: RegExp,
): DefinitionError {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(options)';
  const got = issue && !secret?.test(field) ? valueAt(input, issue.path) : undefined;
  const message = definitionMessage({
    where,
    field,
    expected: issue?.message ?? 'valid options',
    ...(got === undefined ? {} : { got: JSON.stringify(got) }),
    fix,
  });
  return new DefinitionError(message, { field, issues: error.issues });
}
