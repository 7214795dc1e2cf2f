import { z } from 'zod';
import {
  EXACTLY_ONE_OF_TABLE_OR_QUERY,
  parseDatabaseOptions,
  sqlDatabaseOptionFields,
} from '../sql-database/options.ts';

/** The options of `mysql({ … })`, validated once when the connector is created. */
export const mysqlOptionsSchema = z
  .strictObject(
    sqlDatabaseOptionFields({
      defaultPort: 3306,
      url: {
        pattern: /^(mysql|mariadb):\/\//,
        message: 'a mysql:// or mariadb:// URL',
        description: 'mysql://user:password@host:port/database',
      },
      connectionDescription: 'A mysql:// URL or { host, port, user, password, database, ssl }.',
      table: {
        message: "'database.table' or 'table'",
        description: "The table to read whole, as 'table' or 'database.table'; exactly one of table/query.",
      },
      batchSizeDescription: 'defaults to 10,000 rows per batch.',
    }),
  )
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
