import type { ConnectionOptions, FieldPacket, default as mysql2 } from 'mysql2';
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
import { type MysqlOptions, type MysqlOptionsInput, parseMysqlOptions } from './options.ts';
import { MYSQL_ERRORS } from './source-errors.ts';
import {
  type MysqlCanonicaliser,
  mysqlCanonicaliser,
  mysqlColumnType,
  mysqlCursorLiteral,
  SESSION_TIME_ZONE,
} from './type-mapping.ts';

/** Milliseconds to wait for a connection before reporting the server unreachable. */
const CONNECT_TIMEOUT_MS = 30_000;

/** Where a MySQL source is, with the driver configuration. */
interface Target extends SqlTarget {
  readonly config: ConnectionOptions;
}

/** A quoted identifier: `` `name` `` with inner backticks doubled. */
export function quoteMysqlIdent(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

/** Backtick identifiers; the stored cursor is bound as the literal the server compares (see mysqlCursorLiteral). */
const DIALECT: SqlDialect = {
  quoteIdent: quoteMysqlIdent,
  placeholder: '?',
  cursorValue: mysqlCursorLiteral,
};

/**
 * A MySQL-protocol table or query, streamed with mysql2 (rows are read as they arrive and the socket is
 * paused while a full batch waits for the loader, so memory stays at one batch). Works with MySQL, MariaDB,
 * TiDB, OceanBase (MySQL mode), Doris and StarRocks: it sends one SELECT and a `SET time_zone`, nothing
 * engine-specific (no transaction: a single SELECT is already a consistent read on InnoDB and TiDB).
 * Values stay exact text: DECIMAL and BIGINT as sent, DATETIME as ISO 8601, TIMESTAMP with `+08:00`
 * (the session zone), binary columns as `\x…` hex, JSON as JSON text. Rows are located as
 * `table@cursorColumn=value` when a cursor column is declared (rows then come ordered by it), else `table#ordinal`.
 *
 * @example
 * const source = mysql({ connection: process.env.SHEBAO_DB!, table: '参保人员', cursorColumn: '更新时间' });
 * for await (const batch of source.extract()) load(batch);
 */
export function mysql(input: MysqlOptionsInput): Connector {
  const options = parseMysqlOptions(input);
  const target = describeTarget(options);
  return sqlDatabaseConnector({
    kind: 'mysql',
    options,
    target,
    probe: () => probe(options, target),
    extract: (ctx) => extractRows(options, target, ctx),
    error: (error) => sqlSourceError(MYSQL_ERRORS, error, target, undefined, false),
  });
}

type Connection = ReturnType<typeof mysql2.createConnection>;

function run<T = unknown>(connection: Connection, sql: string, values: unknown[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    connection.query({ sql, values, rowsAsArray: true }, (error, rows) =>
      error ? reject(error) : resolve(rows as T),
    );
  });
}

async function open(target: Target): Promise<{ connection: Connection; lost: () => Error | undefined }> {
  // Imported here, not at the top: only a command reading a MySQL-protocol source loads mysql2.
  const { default: driver } = (await import('mysql2')) as { default: typeof mysql2 };
  const connection = driver.createConnection(target.config);
  let lost: Error | undefined;
  // A connection that dies while no query runs is reported by the next one; keep the cause.
  connection.on('error', (error) => {
    lost ??= error;
  });
  try {
    await run(connection, `SET time_zone = '${SESSION_TIME_ZONE}'`);
  } catch (error) {
    connection.destroy();
    throw error;
  }
  return { connection, lost: () => lost };
}

async function probe(options: MysqlOptions, target: Target): Promise<{ server: string; columns: string[] }> {
  let connection: Connection | undefined;
  try {
    ({ connection } = await open(target));
    const version = await run<unknown[][]>(connection, 'SELECT VERSION()');
    const fields = await new Promise<FieldPacket[]>((resolve, reject) => {
      connection!.query({ sql: probeSql(options, DIALECT) }, (error, _rows, f) =>
        error ? reject(error) : resolve(f ?? []),
      );
    });
    return {
      server: `MySQL protocol, ${String(version[0]?.[0] ?? '?')}`,
      columns: fields.map((f) => f.name),
    };
  } finally {
    connection?.destroy();
  }
}

async function* extractRows(
  options: MysqlOptions,
  target: Target,
  ctx: ExtractContext,
): AsyncGenerator<ExtractedBatch> {
  const { signal } = ctx;
  const { cursorColumn, sql, values } = extractionPlan(options, DIALECT, ctx);
  const batchSize = options.batchSize;
  let connection: Connection | undefined;
  let lost: () => Error | undefined = () => undefined;
  let last: string | undefined;
  let streaming = false;
  const onAbort = (): void => connection?.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    ({ connection, lost } = await open(target));
    const conn = connection;

    let columns: readonly string[] | undefined;
    let columnTypes: readonly (SourceColumnType | undefined)[] = [];
    let fix: { index: number; canonical: MysqlCanonicaliser }[] = [];
    let locate: (row: readonly (string | null)[]) => string = () => '';
    let rows: (string | null)[][] = [];
    let locations: string[] = [];
    const ready: ExtractedBatch[] = [];
    let failure: unknown;
    let done = false;
    let wake: (() => void) | undefined;
    const signalConsumer = (): void => {
      wake?.();
      wake = undefined;
    };
    const flush = (): void => {
      if (rows.length === 0 || columns === undefined) return;
      last = locations[locations.length - 1];
      ready.push({ columns, rows, locations, columnTypes });
      rows = [];
      locations = [];
    };

    const query = conn.query({ sql, values, rowsAsArray: true });
    streaming = true;
    query.on('fields', (fields: FieldPacket[]) => {
      columns = Object.freeze(fields.map((f) => f.name));
      columnTypes = Object.freeze(fields.map((f) => mysqlColumnType(f)));
      fix = canonicalisers(fields, mysqlCanonicaliser);
      try {
        locate = rowLocator(target, cursorColumn, columns);
      } catch (error) {
        failure = error;
        conn.destroy();
        signalConsumer();
      }
    });
    query.on('result', (raw: unknown) => {
      if (failure !== undefined) return;
      const row = raw as unknown[];
      for (const { index, canonical } of fix) {
        const value = row[index];
        if (value != null) row[index] = canonical(value);
      }
      const text = row as (string | null)[];
      rows.push(text);
      locations.push(locate(text));
      if (rows.length >= batchSize) {
        flush();
        // Back-pressure: stop reading the socket until the loader has taken the batch.
        conn.pause();
        signalConsumer();
      }
    });
    const fail = (error: unknown): void => {
      failure ??= error;
      signalConsumer();
    };
    query.on('error', fail);
    // A query without a callback does not hear that the connection died: mysql2 tells only the connection.
    conn.on('error', fail);
    query.on('end', () => {
      done = true;
      signalConsumer();
    });

    for (;;) {
      if (ready.length > 0) {
        const batch = ready.shift()!;
        yield batch;
        signal?.throwIfAborted();
        continue;
      }
      if (failure !== undefined) throw failure;
      if (done) {
        flush();
        if (ready.length === 0) break;
        continue;
      }
      conn.resume();
      if (ready.length > 0 || failure !== undefined || done) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } catch (error) {
    throw extractionError(error, signal, (e) =>
      sqlSourceError(MYSQL_ERRORS, lost() ?? e, target, last, streaming, e),
    );
  } finally {
    signal?.removeEventListener('abort', onAbort);
    connection?.destroy();
  }
}

/** The driver configuration and the target of the connection (mysql2 reads exact text, see the factory). */
function describeTarget(options: MysqlOptions): Target {
  const endpoint = endpointOf(options);
  const c = options.connection;
  const ssl = typeof c === 'string' ? undefined : sslOf(c.ssl);
  const config: ConnectionOptions = {
    charset: 'UTF8MB4_UNICODE_CI',
    connectTimeout: CONNECT_TIMEOUT_MS,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    jsonStrings: true,
    enableKeepAlive: true,
    host: endpoint.host,
    port: Number(endpoint.port),
    user: endpoint.user,
    password: endpoint.password,
    database: endpoint.database,
    ...(ssl === undefined ? {} : { ssl }),
  };
  return { ...sqlTarget(options, endpoint), config };
}

/** mysql2's ssl option: true = verified against the system CAs, false = none. */
function sslOf(ssl: boolean | { rejectUnauthorized?: boolean | undefined; ca?: string | undefined }) {
  if (ssl === false) return undefined;
  if (ssl === true) return {};
  const { rejectUnauthorized, ca } = ssl;
  return {
    ...(rejectUnauthorized === undefined ? {} : { rejectUnauthorized }),
    ...(ca === undefined ? {} : { ca }),
  };
}

/** Host, port, database and user of the connection (port 3306 unless given). */
function endpointOf(options: MysqlOptions): SqlEndpoint {
  const c = options.connection;
  if (typeof c !== 'string') {
    const { host, port, user, password, database } = c;
    return { host, port, user, password, database, shown: shownConnection(c) };
  }
  const url = parseConnectionUrl(c);
  if (!url) {
    return {
      host: 'localhost',
      port: 3306,
      database: '',
      user: '',
      password: '',
      shown: 'mysql://(unparsable URL)',
    };
  }
  const endpoint = {
    host: url.hostname || 'localhost',
    port: Number(url.port || '3306'),
    database: decodeURIComponent(url.pathname.slice(1)),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
  if (url.password) url.password = '***';
  return { ...endpoint, shown: shownUrl(url) };
}
