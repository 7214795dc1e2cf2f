import { z } from 'zod';
import { batchSizeOption } from '../batch-size.ts';
import { parseConnectorOptions } from '../file-source.ts';

/** A table name: `table` or `schema.table`, each part any non-empty name without a dot (Chinese included). */
export const TABLE_NAME = /^[^.\s"]+(\.[^.\s"]+)?$/;

/** `{ host, port, user, password, database, ssl }` of a database server, with the engine's default port. */
export function connectionObject(defaultPort: number) {
  return z.strictObject({
    host: z.string().min(1).meta({ description: 'Server host name or address.' }),
    port: z
      .number()
      .int()
      .min(1)
      .max(65_535)
      .default(defaultPort)
      .meta({ description: `defaults to ${defaultPort}.` }),
    user: z.string().min(1),
    password: z.string().default('').meta({ description: 'defaults to none; never printed.' }),
    database: z.string().min(1),
    ssl: z
      .union([
        z.boolean(),
        z.strictObject({
          rejectUnauthorized: z.boolean().optional(),
          ca: z
            .string()
            .optional()
            .meta({ description: 'PEM of the CA that signed the server certificate.' }),
        }),
      ])
      .default(false)
      .meta({ description: 'defaults to false; true = TLS verified against the system CAs.' }),
  });
}

/** The `query` and `cursorColumn` options every database connector shares. */
export const QUERY_OPTIONS = {
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
};

/** The cross-field rule of the database connectors: exactly one of `table` and `query`. */
export const EXACTLY_ONE_OF_TABLE_OR_QUERY: [
  (o: { table?: unknown; query?: unknown }) => boolean,
  { message: string; path: PropertyKey[] },
] = [
  (o) => (o.table === undefined) !== (o.query === undefined),
  { message: 'exactly one of table or query', path: ['table'] },
];

/** How one engine describes its options: URL scheme, table spelling, batch size. */
export interface SqlDatabaseOptionsSpec {
  readonly defaultPort: number;
  /** The URL form: its pattern, the message when it does not match, and its description. */
  readonly url: { readonly pattern: RegExp; readonly message: string; readonly description: string };
  readonly connectionDescription: string;
  /** The table form: the message when the name does not match, and its description. */
  readonly table: { readonly message: string; readonly description: string };
  readonly batchSizeDescription: string;
}

/** The option fields every SQL-database connector has: connection, table, query, cursorColumn, batchSize. */
export function sqlDatabaseOptionFields(spec: SqlDatabaseOptionsSpec) {
  return {
    connection: z
      .union([
        z.string().regex(spec.url.pattern, spec.url.message).meta({ description: spec.url.description }),
        connectionObject(spec.defaultPort),
      ])
      .meta({ description: spec.connectionDescription }),
    table: z
      .string()
      .regex(TABLE_NAME, spec.table.message)
      .optional()
      .meta({ description: spec.table.description }),
    ...QUERY_OPTIONS,
    batchSize: batchSizeOption(spec.batchSizeDescription),
  };
}

/** Parses database connector options: like the file connectors, but never echoing a password or URL. */
export function parseDatabaseOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: string,
  fix: string,
): Readonly<z.output<S>> {
  return parseConnectorOptions(schema, input, where, fix, { secret: /password|connection/ });
}
