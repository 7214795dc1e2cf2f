import { isAbsolute, resolve } from 'node:path';
import type { z } from 'zod';
import { deepFreeze, optionsDefinitionError } from '../schemas/index.ts';
import { SourceError } from './errors.ts';

/**
 * Validates a connector's options once with its zod schema, fills defaults and deep-freezes the result;
 * throws a DefinitionError naming the field, the value given and an example call. Values of fields matching
 * `secret` (passwords, connection strings) are never echoed back.
 */
export function parseConnectorOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: string,
  fix: string,
  options: { secret?: RegExp } = {},
): Readonly<z.output<S>> {
  const result = schema.safeParse(input);
  if (!result.success) throw optionsDefinitionError(result.error, input, where, fix, options.secret);
  return deepFreeze(result.data) as Readonly<z.output<S>>;
}

/** Turns a file-system error into a SourceError that names the path and the fix, for connector `kind`. */
export function fileError(kind: string, path: string, error: unknown): SourceError {
  const code = (error as { code?: unknown } | null)?.code;
  const where = isAbsolute(path) ? path : `${path} (resolved to ${resolve(path)})`;
  const details = { path, code };
  switch (code) {
    case 'ENOENT':
      return new SourceError(
        `${where}: file not found. Fix: check ${kind}({ path }); relative paths resolve from the working directory`,
        details,
        { cause: error },
      );
    case 'EISDIR':
      return new SourceError(
        `${where}: is a directory, not a file. Fix: point ${kind}({ path }) at a file inside it`,
        details,
        { cause: error },
      );
    case 'EACCES':
    case 'EPERM':
      return new SourceError(
        `${where}: permission denied. Fix: give the user running gongshu read access to the file (chmod/chown)`,
        details,
        { cause: error },
      );
    default: {
      const reason = error instanceof Error ? error.message : String(error);
      return new SourceError(
        `${where}: cannot read the file (${reason}). Fix: check that it exists, is readable and is not being rewritten`,
        details,
        { cause: error, retryable: true },
      );
    }
  }
}
