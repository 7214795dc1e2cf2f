import { z } from 'zod';
import { DefinitionError, definitionMessage } from '../../schemas/errors.ts';

/** A table name: `table` or `schema.table`, each part any non-empty name without a dot (Chinese included). */
export const TABLE_NAME = /^[^.\s"]+(\.[^.\s"]+)?$/;

const connectionObject = z.strictObject({
  host: z.string().min(1).meta({ description: 'Server host name or address.' }),
  port: z.number().int().min(1).max(65_535).default(5432).meta({ description: 'defaults to 5432.' }),
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

/** The options of `postgres({ … })`, validated once when the connector is created. */
export const postgresOptionsSchema = z
  .strictObject({
    connection: z
      .union([
        z
          .string()
          .regex(/^postgres(ql)?:\/\//, 'a postgres:// or postgresql:// URL')
          .meta({ description: 'postgres://user:password@host:port/database' }),
        connectionObject,
      ])
      .meta({ description: 'A postgres:// URL or { host, port, user, password, database, ssl }.' }),
    table: z
      .string()
      .regex(TABLE_NAME, "'schema.table' or 'table'")
      .optional()
      .meta({ description: "The table to read whole, as 'schema.table'; exactly one of table/query." }),
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
      .meta({ description: 'defaults to 10,000 rows per FETCH (and per batch).' }),
    statementTimeoutMs: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: 'defaults to the server setting: statement_timeout for each FETCH.' }),
  })
  .refine((o) => (o.table === undefined) !== (o.query === undefined), {
    message: 'exactly one of table or query',
    path: ['table'],
  });

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

/** Shared by the database connectors: zod-parse, turn the first issue into a DefinitionError, freeze. */
export function parseDatabaseOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: string,
  fix: string,
): Readonly<z.output<S>> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(options)';
    const got = issue ? valueAt(input, issue.path) : undefined;
    // A password is never echoed back, even in a definition error.
    const shown = /password|connection/.test(field) ? undefined : got;
    const message = definitionMessage({
      where,
      field,
      expected: issue?.message ?? 'valid options',
      ...(shown === undefined ? {} : { got: JSON.stringify(shown) }),
      fix,
    });
    throw new DefinitionError(message, { field });
  }
  const options = result.data as Record<string, unknown>;
  const connection = options.connection;
  if (connection !== null && typeof connection === 'object') {
    const ssl = (connection as Record<string, unknown>).ssl;
    if (ssl !== null && typeof ssl === 'object') Object.freeze(ssl);
    Object.freeze(connection);
  }
  return Object.freeze(result.data) as Readonly<z.output<S>>;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
