import { z } from 'zod';
import {
  EXACTLY_ONE_OF_TABLE_OR_QUERY,
  parseDatabaseOptions,
  sqlDatabaseOptionFields,
} from '../sql-database/options.ts';

/** The options of `postgres({ … })`, validated once when the connector is created. */
export const postgresOptionsSchema = z
  .strictObject({
    ...sqlDatabaseOptionFields({
      defaultPort: 5432,
      url: {
        pattern: /^postgres(ql)?:\/\//,
        message: 'a postgres:// or postgresql:// URL',
        description: 'postgres://user:password@host:port/database',
      },
      connectionDescription: 'A postgres:// URL or { host, port, user, password, database, ssl }.',
      table: {
        message: "'schema.table' or 'table'",
        description: "The table to read whole, as 'schema.table'; exactly one of table/query.",
      },
      batchSizeDescription: 'defaults to 10,000 rows per FETCH (and per batch).',
    }),
    statementTimeoutMs: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'defaults to the server setting: statement_timeout for each FETCH.' }),
  })
  .refine(...EXACTLY_ONE_OF_TABLE_OR_QUERY);

/** What `postgres()` accepts. */
export type PostgresOptionsInput = z.input<typeof postgresOptionsSchema>;

/** Parsed, defaulted, frozen PostgreSQL options. */
export type PostgresOptions = Readonly<z.output<typeof postgresOptionsSchema>>;

/** Validates `postgres()` options once, fills defaults and freezes them; throws a DefinitionError naming the field. */
export function parsePostgresOptions(input: unknown): PostgresOptions {
  return parseDatabaseOptions(
    postgresOptionsSchema,
    input,
    'postgres()',
    "postgres({ connection: 'postgres://user:password@host:5432/db', table: 'public.people' })",
  );
}
