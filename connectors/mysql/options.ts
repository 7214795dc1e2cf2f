import { z } from 'zod';
import { parseDatabaseOptions, TABLE_NAME } from '../postgres/options.ts';

const connectionObject = z.strictObject({
  host: z.string().min(1).meta({ description: 'Server host name or address.' }),
  port: z.number().int().min(1).max(65_535).default(3306).meta({ description: 'defaults to 3306.' }),
  user: z.string().min(1),
  password: z.string().default('').meta({ description: 'defaults to none; never printed.' }),
  database: z.string().min(1),
  ssl: z
    .union([
      z.boolean(),
      z.strictObject({
        rejectUnauthorized: z.boolean().optional(),
        ca: z.string().optional().meta({ description: 'PEM of the CA that signed the server certificate.' }),
      }),
    ])
    .default(false)
    .meta({ description: 'defaults to false; true = TLS verified against the system CAs.' }),
});

/** The options of `mysql({ … })`, validated once when the connector is created. */
export const mysqlOptionsSchema = z
  .strictObject({
    connection: z
      .union([
        z
          .string()
          .regex(/^(mysql|mariadb):\/\//, 'a mysql:// or mariadb:// URL')
          .meta({ description: 'mysql://user:password@host:port/database' }),
        connectionObject,
      ])
      .meta({ description: 'A mysql:// URL or { host, port, user, password, database, ssl }.' }),
    table: z.string().regex(TABLE_NAME, "'database.table' or 'table'").optional().meta({
      description: "The table to read whole, as 'table' or 'database.table'; exactly one of table/query.",
    }),
    query: z
      .string()
      .trim()
      .min(1)
      .refine((q) => !q.endsWith(';'), 'a single SELECT without a trailing semicolon')
      .optional()
      .meta({ description: 'A SELECT to read; exactly one of table/query.' }),
    cursorColumn: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'A column rows are ordered by and located with (`table@column=value`).' }),
    batchSize: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .meta({ description: 'defaults to 10,000 rows per batch.' }),
  })
  .refine((o) => (o.table === undefined) !== (o.query === undefined), {
    message: 'exactly one of table or query',
    path: ['table'],
  });

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
