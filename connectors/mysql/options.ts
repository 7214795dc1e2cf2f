import { z } from 'zod';
import {
  connectionObject,
  EXACTLY_ONE_OF_TABLE_OR_QUERY,
  parseDatabaseOptions,
  QUERY_OPTIONS,
  TABLE_NAME,
} from '../sql-database/options.ts';

const connection = connectionObject(3306);

/** The options of `mysql({ … })`, validated once when the connector is created. */
export const mysqlOptionsSchema = z
  .strictObject({
    connection: z
      .union([
        z
          .string()
          .regex(/^(mysql|mariadb):\/\//, 'a mysql:// or mariadb:// URL')
          .meta({ description: 'mysql://user:password@host:port/database' }),
        connection,
      ])
      .meta({ description: 'A mysql:// URL or { host, port, user, password, database, ssl }.' }),
    table: z.string().regex(TABLE_NAME, "'database.table' or 'table'").optional().meta({
      description: "The table to read whole, as 'table' or 'database.table'; exactly one of table/query.",
    }),
    ...QUERY_OPTIONS,
    batchSize: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .meta({ description: 'defaults to 10,000 rows per batch.' }),
  })
  .refine(...EXACTLY_ONE_OF_TABLE_OR_QUERY);

/** What `mysql()` accepts. */
export type MysqlOptionsInput = z.input<typeof mysqlOptionsSchema>;

/** Parsed, defaulted, frozen MySQL options. */
export type MysqlOptions = Readonly<z.output<typeof mysqlOptionsSchema>>;

/** Validates `mysql()` options once, fills defaults and freezes them; throws a DefinitionError naming the field. */
export function parseMysqlOptions(input: unknown): MysqlOptions {
  return parseDatabaseOptions(
    mysqlOptionsSchema,
    input,
    'mysql()',
    "mysql({ connection: 'mysql://user:password@host:3306/db', table: 'people' })",
  );
}
