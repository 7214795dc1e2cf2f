import { z } from 'zod';
import {
  connectionObject,
  EXACTLY_ONE_OF_TABLE_OR_QUERY,
  parseDatabaseOptions,
  QUERY_OPTIONS,
  TABLE_NAME,
} from '../sql-database/options.ts';

const connection = connectionObject(5432);

/** The options of `postgres({ … })`, validated once when the connector is created. */
export const postgresOptionsSchema = z
  .strictObject({
    connection: z
      .union([
        z
          .string()
          .regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL')
          .meta({ description: 'postgres://user:password@host:port/database' }),
        connection,
      ])
      .meta({ description: 'A postgres:// URL or { host, port, user, password, database, ssl }.' }),
    table: z
      .string()
      .regex(TABLE_NAME, "'schema.table' or 'table'")
      .optional()
      .meta({ description: "The table to read whole, as 'schema.table'; exactly one of table/query." }),
    ...QUERY_OPTIONS,
    batchSize: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .meta({ description: 'defaults to 10,000 rows per FETCH (and per batch).' }),
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
