import type pg from 'pg';
import { quoteIdent } from '../../schemas/index.ts';
import { extractionError, sqlDatabaseConnector } from '../sql-database/connector.ts';
import {
  canonicalisers,
  extractionPlan,
  probeSql,
  rowLocator,
  type SqlDialect,
} from '../sql-database/cursor.ts';
import { sqlSourceError } from '../sql-database/source-error.ts';
import {
  parseConnectionUrl,
  type SqlEndpoint,
  type SqlTarget,
  shownConnection,
  shownUrl,
  sqlTarget,
} from '../sql-database/target.ts';
import type { Connector, ExtractContext, ExtractedBatch, SourceColumnType } from '../types.ts';
import { type PostgresOptions, type PostgresOptionsInput, parsePostgresOptions } from './options.ts';
import { POSTGRES_ERRORS } from './source-errors.ts';
import { type Canonicaliser, pgCanonicaliser, pgColumnType } from './type-mapping.ts';

/** Every value arrives as PostgreSQL's own text; the connector canonicalises what needs it. */
const RAW_TEXT: pg.CustomTypesConfig = { getTypeParser: () => (value: string) => value };

/** Milliseconds to wait for a connection before reporting the server unreachable. */
const CONNECT_TIMEOUT_MS = 30_000;

const CURSOR = 'gongshu_extract';

/** Identifiers quoted exactly as written; the stored cursor is bound as text. */
const DIALECT: SqlDialect = { quoteIdent, placeholder: '$1', cursorValue: (after) => after };

/**
 * A PostgreSQL table or query, streamed through a server-side cursor (`DECLARE … NO SCROLL CURSOR`, then
 * `FETCH batchSize`) in a read-only transaction, so memory stays at one batch whatever the table size.
 * Values are PostgreSQL's text, canonicalised (ISO 8601 timestamps, `true`/`false`); NUMERIC stays exact.
 * Rows are located as `table@cursorColumn=value` when a cursor column is declared (rows then come ordered
 * by it), else `table#ordinal`. Identifiers are quoted exactly as written: `public.户籍人口`.
 *
 * @example
 * const source = postgres({ connection: process.env.HUKOU_DB!, table: 'public.户籍人口', cursorColumn: '更新时间' });
 * for await (const batch of source.extract({ incremental: { column: '更新时间', after: '2024-06-01T00:00:00+08:00' } })) load(batch);
 */
export function postgres(input: PostgresOptionsInput): Connector {
  const options = parsePostgresOptions(input);
  const target = sqlTarget(options, endpointOf(options));
  return sqlDatabaseConnector({
    kind: 'postgres',
    options,
    target,
    ...(options.statementTimeoutMs === undefined
      ? {}
      : { describeMore: { statementTimeoutMs: options.statementTimeoutMs } }),
    probe: () => probe(options),
    extract: (ctx) => extractRows(options, target, ctx),
    error: (error) => sqlSourceError(POSTGRES_ERRORS, error, target, undefined, false),
  });
}

/** pg, imported at the first connection: a command that reads no PostgreSQL table never loads it. */
async function driver(): Promise<typeof pg> {
  return (await import('pg')).default;
}

async function probe(options: PostgresOptions): Promise<{ server: string; columns: string[] }> {
  const client = new (await driver()).Client(clientConfig(options));
  client.on('error', () => {});
  try {
    await client.connect();
    const version = await client.query<{ server_version: string }>('SHOW server_version');
    const result = await client.query({ text: probeSql(options, DIALECT), rowMode: 'array' });
    return {
      server: `PostgreSQL ${version.rows[0]?.server_version ?? '?'}`,
      columns: result.fields.map((f) => f.name),
    };
  } finally {
    await client.end().catch(() => {});
  }
}

async function* extractRows(
  options: PostgresOptions,
  target: SqlTarget,
  ctx: ExtractContext,
): AsyncGenerator<ExtractedBatch> {
  const { signal } = ctx;
  const { cursorColumn, sql, values } = extractionPlan(options, DIALECT, ctx);
  const client = new (await driver()).Client(clientConfig(options));
  // A connection that dies while idle (between FETCHes) is reported by the next query; keep the cause.
  let lost: Error | undefined;
  client.on('error', (error) => {
    lost ??= error;
  });
  const onAbort = (): void => void client.end().catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  let last: string | undefined;
  let streaming = false;
  try {
    await client.connect();
    await client.query('BEGIN READ ONLY');
    await client.query("SET LOCAL DateStyle = 'ISO, YMD'");
    if (options.statementTimeoutMs !== undefined)
      await client.query(`SET LOCAL statement_timeout = ${options.statementTimeoutMs}`);
    await client.query({ text: `DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${sql}`, values });
    streaming = true;

    let columns: readonly string[] | undefined;
    let columnTypes: readonly (SourceColumnType | undefined)[] = [];
    let fix: { index: number; canonical: Canonicaliser }[] = [];
    let locate: (row: readonly (string | null)[]) => string = () => '';
    const fetch = `FETCH ${options.batchSize} FROM ${CURSOR}`;
    for (;;) {
      signal?.throwIfAborted();
      const result = await client.query<(string | null)[]>({ text: fetch, rowMode: 'array' });
      if (columns === undefined) {
        columns = Object.freeze(result.fields.map((f) => f.name));
        columnTypes = Object.freeze(result.fields.map((f) => pgColumnType(f.dataTypeID)));
        fix = canonicalisers(result.fields, (f) => pgCanonicaliser(f.dataTypeID));
        locate = rowLocator(target, cursorColumn, columns);
      }
      const rows = result.rows;
      if (rows.length === 0) break;
      for (const { index, canonical } of fix) {
        for (const row of rows) {
          const value = row[index];
          if (value != null) row[index] = canonical(value);
        }
      }
      const locations = new Array<string>(rows.length);
      for (let i = 0; i < rows.length; i++) locations[i] = locate(rows[i]!);
      last = locations[locations.length - 1];
      yield { columns, rows, locations, columnTypes };
      if (rows.length < options.batchSize) break;
    }
    await client.query('COMMIT');
  } catch (error) {
    throw extractionError(error, signal, (e) =>
      sqlSourceError(POSTGRES_ERRORS, lost ?? e, target, last, streaming, e),
    );
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await client.end().catch(() => {});
  }
}

function clientConfig(options: PostgresOptions): pg.ClientConfig {
  const base: pg.ClientConfig = {
    types: RAW_TEXT,
    application_name: 'gongshu',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
  };
  const c = options.connection;
  if (typeof c === 'string') return { ...base, connectionString: c };
  return {
    ...base,
    host: c.host,
    port: c.port,
    user: c.user,
    password: c.password,
    database: c.database,
    ssl: typeof c.ssl === 'boolean' ? c.ssl : { ...c.ssl },
  };
}

/** Host, port, database and user of the connection (libpq defaults: port 5432, database = user). */
function endpointOf(options: PostgresOptions): SqlEndpoint {
  const c = options.connection;
  if (typeof c !== 'string') {
    const { host, user, password, database } = c;
    return { host, port: String(c.port), database, user, password, shown: shownConnection(c) };
  }
  const url = parseConnectionUrl(c);
  if (!url) {
    return {
      host: '(unparsable URL)',
      port: '5432',
      database: '',
      user: '',
      password: '',
      shown: 'postgres://(unparsable URL)',
    };
  }
  const user = decodeURIComponent(url.username);
  const endpoint = {
    host: url.hostname || url.searchParams.get('host') || 'localhost',
    port: url.port || '5432',
    database: decodeURIComponent(url.pathname.slice(1)) || user,
    user,
    password: decodeURIComponent(url.password || url.searchParams.get('password') || ''),
  };
  if (url.password) url.password = '***';
  if (url.searchParams.has('password')) url.searchParams.set('password', '***');
  return { ...endpoint, shown: shownUrl(url) };
}
