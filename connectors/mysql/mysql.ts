import mysql2, { type ConnectionOptions, type FieldPacket } from 'mysql2';
import { SourceError } from '../errors.ts';
import type {
  CheckResult,
  Connector,
  ConnectorDescription,
  ExtractContext,
  ExtractedBatch,
  SourceColumnType,
} from '../types.ts';
import { type MysqlOptions, type MysqlOptionsInput, parseMysqlOptions } from './options.ts';
import {
  type MysqlCanonicaliser,
  mysqlCanonicaliser,
  mysqlColumnType,
  mysqlCursorLiteral,
  SESSION_TIME_ZONE,
} from './type-mapping.ts';

/** Milliseconds to wait for a connection before reporting the server unreachable. */
const CONNECT_TIMEOUT_MS = 30_000;

/** Where a MySQL source is, for messages and lineage: never carries the password. */
interface Target {
  /** `host:port/database`. */
  readonly address: string;
  /** `host:port/database table people` or `… query`. */
  readonly where: string;
  /** The table name, or `query`: the prefix of every row location. */
  readonly relation: string;
  readonly user: string;
  /** The connection as shown in describe(): the password replaced by `***`. */
  readonly shown: string | Readonly<Record<string, unknown>>;
  readonly config: ConnectionOptions;
  /** Removes the password from any text (a server or driver message). */
  readonly redact: (text: string) => string;
}

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
  return {
    kind: 'mysql',
    describe(): ConnectorDescription {
      return {
        kind: 'mysql',
        source: `${target.address}/${target.relation}`,
        options: {
          connection: target.shown,
          ...(options.table === undefined ? {} : { table: options.table }),
          ...(options.query === undefined ? {} : { query: options.query }),
          ...(options.cursorColumn === undefined ? {} : { cursorColumn: options.cursorColumn }),
          batchSize: options.batchSize,
        },
      };
    },
    check: () => checkSource(options, target),
    extract(ctx: ExtractContext = {}): AsyncIterable<ExtractedBatch> {
      return extractRows(options, target, ctx);
    },
  };
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
  const connection = mysql2.createConnection(target.config);
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

async function checkSource(options: MysqlOptions, target: Target): Promise<CheckResult> {
  let connection: Connection | undefined;
  try {
    ({ connection } = await open(target));
    const version = await run<unknown[][]>(connection, 'SELECT VERSION()');
    const fields = await new Promise<FieldPacket[]>((resolve, reject) => {
      connection!.query({ sql: `SELECT * FROM (${baseSql(options)}\n) s LIMIT 0` }, (error, _rows, f) =>
        error ? reject(error) : resolve(f ?? []),
      );
    });
    const names = fields.map((f) => f.name);
    const server = `MySQL protocol, ${String(version[0]?.[0] ?? '?')}`;
    const cursor = options.cursorColumn;
    if (cursor !== undefined && !names.includes(cursor)) {
      return {
        ok: false,
        message: `${target.where}: connected (${server}), but the cursor column ${JSON.stringify(cursor)} is not among its columns (${names.join(', ')}). Fix: set mysql({ cursorColumn }) to one of them`,
      };
    }
    return { ok: true, message: `${target.where}: connected (${server}), readable, ${names.length} columns` };
  } catch (error) {
    return { ok: false, message: sourceError(error, target, undefined, false).message };
  } finally {
    connection?.destroy();
  }
}

async function* extractRows(
  options: MysqlOptions,
  target: Target,
  ctx: ExtractContext,
): AsyncGenerator<ExtractedBatch> {
  const { signal, incremental } = ctx;
  signal?.throwIfAborted();
  const cursorColumn = incremental?.column ?? options.cursorColumn;
  const { sql, values } = extractionSql(options, cursorColumn, incremental?.after);
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
    let cursorIndex = -1;
    let prefix = '';
    let ordinal = 0;
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
      fix = fields.flatMap((f, index) => {
        const canonical = mysqlCanonicaliser(f);
        return canonical === undefined ? [] : [{ index, canonical }];
      });
      cursorIndex = cursorColumn === undefined ? -1 : columns.indexOf(cursorColumn);
      if (cursorColumn !== undefined && cursorIndex < 0) {
        failure = missingCursor(target, cursorColumn, columns);
        conn.destroy();
        signalConsumer();
      }
      prefix = cursorIndex >= 0 ? `${target.relation}@${cursorColumn}=` : `${target.relation}#`;
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
      locations.push(cursorIndex >= 0 ? `${prefix}${text[cursorIndex] ?? 'null'}` : `${prefix}${++ordinal}`);
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
    if (signal?.aborted) throw signal.reason;
    if (error instanceof SourceError) throw error;
    throw sourceError(lost() ?? error, target, last, streaming, error);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    connection?.destroy();
  }
}

/** A quoted identifier: `` `name` `` with inner backticks doubled. */
export function quoteMysqlIdent(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

function baseSql(options: MysqlOptions): string {
  if (options.table !== undefined)
    return `SELECT * FROM ${options.table.split('.').map(quoteMysqlIdent).join('.')}`;
  return options.query!;
}

/** The query: the table or query, filtered after the stored cursor and ordered by the cursor column. */
function extractionSql(
  options: MysqlOptions,
  cursorColumn: string | undefined,
  after: string | null | undefined,
): { sql: string; values: string[] } {
  const base = baseSql(options);
  if (cursorColumn === undefined) return { sql: base, values: [] };
  const column = `s.${quoteMysqlIdent(cursorColumn)}`;
  // A newline before `) s`, so a query ending in a `--` comment still wraps.
  if (after === undefined || after === null)
    return { sql: `SELECT * FROM (${base}\n) s ORDER BY ${column}`, values: [] };
  return {
    sql: `SELECT * FROM (${base}\n) s WHERE ${column} > ? ORDER BY ${column}`,
    values: [mysqlCursorLiteral(after)],
  };
}

function describeTarget(options: MysqlOptions): Target {
  const c = options.connection;
  const common: ConnectionOptions = {
    charset: 'UTF8MB4_UNICODE_CI',
    connectTimeout: CONNECT_TIMEOUT_MS,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    jsonStrings: true,
    enableKeepAlive: true,
  };
  let host: string;
  let port: number;
  let database: string;
  let user: string;
  let password: string;
  let shown: Target['shown'];
  let ssl: ConnectionOptions['ssl'];
  if (typeof c === 'string') {
    let url: URL | undefined;
    try {
      url = new URL(c);
    } catch {
      url = undefined;
    }
    user = url ? decodeURIComponent(url.username) : '';
    password = url ? decodeURIComponent(url.password) : '';
    host = url?.hostname || 'localhost';
    port = Number(url?.port || '3306');
    database = url ? decodeURIComponent(url.pathname.slice(1)) : '';
    if (url?.password) url.password = '***';
    shown = url ? url.toString().replace('%2A%2A%2A', '***') : 'mysql://(unparsable URL)';
  } else {
    ({ host, port, user, password, database } = c);
    shown = Object.freeze({ ...c, password: c.password === '' ? '' : '***' });
    if (c.ssl === true) ssl = {};
    else if (c.ssl !== false) {
      const { rejectUnauthorized, ca } = c.ssl;
      ssl = {
        ...(rejectUnauthorized === undefined ? {} : { rejectUnauthorized }),
        ...(ca === undefined ? {} : { ca }),
      };
    }
  }
  const config: ConnectionOptions = {
    ...common,
    host,
    port,
    user,
    password,
    database,
    ...(ssl === undefined ? {} : { ssl }),
  };
  const address = `${host}:${port}/${database}`;
  const relation = options.table ?? 'query';
  const where = `${address} ${options.table === undefined ? 'query' : `table ${options.table}`}`;
  const secrets = [password, encodeURIComponent(password)].filter((s) => s.length >= 3);
  const redact = (text: string): string => secrets.reduce((t, s) => t.replaceAll(s, '***'), text);
  return { address, where, relation, user, shown, config, redact };
}

function missingCursor(target: Target, column: string, columns: readonly string[]): SourceError {
  return new SourceError(
    `${target.where}: the cursor column ${JSON.stringify(column)} is not among the columns (${columns.join(', ')}). Fix: declare a cursor column the ${target.relation === 'query' ? 'query selects' : 'table has'}`,
    { source: target.address, relation: target.relation, cursorColumn: column },
  );
}

/** Server errors after which retrying can help: the connection died, the server stopped, resources ran out. */
const RETRYABLE_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ER_CONNECTION_KILLED',
  'ER_SERVER_SHUTDOWN',
  'ER_NORMAL_SHUTDOWN',
  'ER_QUERY_INTERRUPTED',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_LOCK_DEADLOCK',
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_CLIENT_INTERACTION_TIMEOUT',
  'ER_NET_READ_ERROR',
  'ER_NET_READ_INTERRUPTED',
  'ER_NET_WRITE_INTERRUPTED',
]);

/** MariaDB's "Connection was killed" (1927) has no name in mysql2's table. */
const ERRNO_CONNECTION_KILLED = 1927;

/**
 * Turns a driver or server error into a SourceError naming the source, the last row read and a fix.
 * `streaming` = the SELECT was sent, so a lost connection means the server went away mid-stream.
 */
function sourceError(
  error: unknown,
  target: Target,
  last: string | undefined,
  streaming: boolean,
  cause: unknown = error,
): SourceError {
  const e = (error ?? {}) as { code?: unknown; errno?: unknown; message?: unknown; fatal?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const reason = target.redact(typeof e.message === 'string' ? e.message : String(error));
  const at = last === undefined ? '' : ` after ${last}`;
  const details = {
    source: target.address,
    relation: target.relation,
    ...(last === undefined ? {} : { location: last }),
    ...(code === undefined ? {} : { code }),
  };
  const make = (what: string, fix: string, retryable: boolean): SourceError =>
    new SourceError(`${target.where}: ${what}. Fix: ${fix}`, details, { retryable, cause });

  switch (code) {
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_DBACCESS_DENIED_ERROR':
    case 'ER_NOT_SUPPORTED_AUTH_MODE':
      return make(
        `login refused (${reason})`,
        `check the user and password in mysql({ connection }) and that ${target.user || 'the user'} may connect from this host (CREATE USER … @'host'; GRANT SELECT …)`,
        false,
      );
    case 'ER_BAD_DB_ERROR':
      return make(reason, 'check the database name in mysql({ connection })', false);
    case 'ER_NO_SUCH_TABLE':
      return make(
        reason,
        target.relation === 'query'
          ? 'check the table names in mysql({ query })'
          : "write mysql({ table }) as SHOW TABLES lists it, or 'database.table' for another database",
        false,
      );
    case 'ER_BAD_FIELD_ERROR':
      return make(reason, 'check the column names in the query and the cursor column', false);
    case 'ER_TABLEACCESS_DENIED_ERROR':
    case 'ER_COLUMNACCESS_DENIED_ERROR':
    case 'ER_SPECIFIC_ACCESS_DENIED_ERROR':
      return make(
        `permission denied (${reason})`,
        `GRANT SELECT on the ${target.relation === 'query' ? 'tables the query reads' : 'table'} to ${target.user || 'the user'}`,
        false,
      );
    case 'ER_PARSE_ERROR':
      return make(reason, 'fix the query; run it in the mysql client to see the same error', false);
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
      return make(
        `cannot reach the server (${reason})`,
        'check that the server is running and reachable at that host and port (firewall, bind-address), then re-run',
        true,
      );
  }
  const lost =
    (code !== undefined && RETRYABLE_CODES.has(code)) ||
    e.errno === ERRNO_CONNECTION_KILLED ||
    e.fatal === true ||
    /connection.*(lost|closed|killed)|closed state/i.test(reason);
  if (lost && streaming) {
    return make(
      `connection lost mid-stream${at || ' before the first row'} (${reason})`,
      'check the server, then re-run the load: nothing was committed, and an incremental load resumes after its stored cursor',
      true,
    );
  }
  if (lost) {
    return make(
      `cannot read${at} (${reason})`,
      'check that the server is up and accepting connections, then re-run',
      true,
    );
  }
  return make(
    `cannot read${at} (${reason})`,
    'run the same query in the mysql client to see the cause',
    false,
  );
}
