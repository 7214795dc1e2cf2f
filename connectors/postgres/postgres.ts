import pg from 'pg';
import { quoteIdent } from '../../schemas/index.ts';
import { SourceError } from '../errors.ts';
import type {
  CheckResult,
  Connector,
  ConnectorDescription,
  ExtractContext,
  ExtractedBatch,
  SourceColumnType,
} from '../types.ts';
import { type PostgresOptions, type PostgresOptionsInput, parsePostgresOptions } from './options.ts';
import { type Canonicaliser, pgCanonicaliser, pgColumnType } from './type-mapping.ts';

/** Every value arrives as PostgreSQL's own text; the connector canonicalises what needs it. */
const RAW_TEXT: pg.CustomTypesConfig = { getTypeParser: () => (value: string) => value };

/** Milliseconds to wait for a connection before reporting the server unreachable. */
const CONNECT_TIMEOUT_MS = 30_000;

const CURSOR = 'gongshu_extract';

/** Where a PostgreSQL source is, for messages and lineage: never carries the password. */
interface Target {
  /** `host:port/database`. */
  readonly address: string;
  /** `host:port/database table public.people` or `… query`. */
  readonly where: string;
  /** The table name, or `query`: the prefix of every row location. */
  readonly relation: string;
  readonly user: string;
  /** The connection as shown in describe(): the password replaced by `***`. */
  readonly shown: string | Readonly<Record<string, unknown>>;
  /** Removes the password from any text (a server or driver message). */
  readonly redact: (text: string) => string;
}

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
  const target = describeTarget(options);
  return {
    kind: 'postgres',
    describe(): ConnectorDescription {
      return {
        kind: 'postgres',
        source: `${target.address}/${target.relation}`,
        options: {
          connection: target.shown,
          ...(options.table === undefined ? {} : { table: options.table }),
          ...(options.query === undefined ? {} : { query: options.query }),
          ...(options.cursorColumn === undefined ? {} : { cursorColumn: options.cursorColumn }),
          batchSize: options.batchSize,
          ...(options.statementTimeoutMs === undefined
            ? {}
            : { statementTimeoutMs: options.statementTimeoutMs }),
        },
      };
    },
    check: () => checkSource(options, target),
    extract(ctx: ExtractContext = {}): AsyncIterable<ExtractedBatch> {
      return extractRows(options, target, ctx);
    },
  };
}

async function checkSource(options: PostgresOptions, target: Target): Promise<CheckResult> {
  const client = new pg.Client(clientConfig(options));
  client.on('error', () => {});
  try {
    await client.connect();
    const version = await client.query<{ server_version: string }>('SHOW server_version');
    const probe = await client.query({
      text: `SELECT * FROM (${baseSql(options)}\n) s LIMIT 0`,
      rowMode: 'array',
    });
    const names = probe.fields.map((f) => f.name);
    const server = `PostgreSQL ${version.rows[0]?.server_version ?? '?'}`;
    const cursor = options.cursorColumn;
    if (cursor !== undefined && !names.includes(cursor)) {
      return {
        ok: false,
        message: `${target.where}: connected (${server}), but the cursor column ${JSON.stringify(cursor)} is not among its columns (${names.join(', ')}). Fix: set postgres({ cursorColumn }) to one of them`,
      };
    }
    return { ok: true, message: `${target.where}: connected (${server}), readable, ${names.length} columns` };
  } catch (error) {
    return { ok: false, message: sourceError(error, target, undefined, false).message };
  } finally {
    await client.end().catch(() => {});
  }
}

async function* extractRows(
  options: PostgresOptions,
  target: Target,
  ctx: ExtractContext,
): AsyncGenerator<ExtractedBatch> {
  const { signal, incremental } = ctx;
  signal?.throwIfAborted();
  const cursorColumn = incremental?.column ?? options.cursorColumn;
  const { text, values } = extractionSql(options, cursorColumn, incremental?.after);
  const client = new pg.Client(clientConfig(options));
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
    await client.query({ text: `DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${text}`, values });
    streaming = true;

    let columns: readonly string[] | undefined;
    let columnTypes: readonly (SourceColumnType | undefined)[] = [];
    let fix: { index: number; canonical: Canonicaliser }[] = [];
    let cursorIndex = -1;
    let ordinal = 0;
    const fetch = `FETCH ${options.batchSize} FROM ${CURSOR}`;
    for (;;) {
      signal?.throwIfAborted();
      const result = await client.query<(string | null)[]>({ text: fetch, rowMode: 'array' });
      if (columns === undefined) {
        columns = Object.freeze(result.fields.map((f) => f.name));
        columnTypes = Object.freeze(result.fields.map((f) => pgColumnType(f.dataTypeID)));
        fix = result.fields.flatMap((f, index) => {
          const canonical = pgCanonicaliser(f.dataTypeID);
          return canonical === undefined ? [] : [{ index, canonical }];
        });
        cursorIndex = cursorColumn === undefined ? -1 : columns.indexOf(cursorColumn);
        if (cursorColumn !== undefined && cursorIndex < 0) throw missingCursor(target, cursorColumn, columns);
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
      if (cursorIndex >= 0) {
        const prefix = `${target.relation}@${cursorColumn}=`;
        for (let i = 0; i < rows.length; i++) locations[i] = `${prefix}${rows[i]![cursorIndex] ?? 'null'}`;
      } else {
        const prefix = `${target.relation}#`;
        for (let i = 0; i < rows.length; i++) locations[i] = `${prefix}${++ordinal}`;
      }
      last = locations[locations.length - 1];
      yield { columns, rows, locations, columnTypes };
      if (rows.length < options.batchSize) break;
    }
    await client.query('COMMIT');
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (error instanceof SourceError) throw error;
    throw sourceError(lost ?? error, target, last, streaming, error);
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

function baseSql(options: PostgresOptions): string {
  if (options.table !== undefined)
    return `SELECT * FROM ${options.table.split('.').map(quoteIdent).join('.')}`;
  return options.query!;
}

/** The cursor's query: the table or query, filtered after the stored cursor and ordered by the cursor column. */
function extractionSql(
  options: PostgresOptions,
  cursorColumn: string | undefined,
  after: string | null | undefined,
): { text: string; values: string[] } {
  const base = baseSql(options);
  if (cursorColumn === undefined) return { text: base, values: [] };
  const column = `s.${quoteIdent(cursorColumn)}`;
  // A newline before `) s`, so a query ending in a `--` comment still wraps.
  if (after === undefined || after === null)
    return { text: `SELECT * FROM (${base}\n) s ORDER BY ${column}`, values: [] };
  return { text: `SELECT * FROM (${base}\n) s WHERE ${column} > $1 ORDER BY ${column}`, values: [after] };
}

function describeTarget(options: PostgresOptions): Target {
  const c = options.connection;
  let host: string;
  let port: string;
  let database: string;
  let user: string;
  let password: string;
  let shown: Target['shown'];
  if (typeof c === 'string') {
    let url: URL | undefined;
    try {
      url = new URL(c);
    } catch {
      url = undefined;
    }
    user = url ? decodeURIComponent(url.username) : '';
    password = url ? decodeURIComponent(url.password || url.searchParams.get('password') || '') : '';
    host = url ? url.hostname || url.searchParams.get('host') || 'localhost' : '(unparsable URL)';
    port = url?.port || '5432';
    database = url ? decodeURIComponent(url.pathname.slice(1)) || user : '';
    if (url) {
      if (url.password) url.password = '***';
      if (url.searchParams.has('password')) url.searchParams.set('password', '***');
      shown = url.toString().replace('%2A%2A%2A', '***');
    } else {
      shown = 'postgres://(unparsable URL)';
    }
  } else {
    ({ host, user, password, database } = c);
    port = String(c.port);
    shown = Object.freeze({ ...c, password: c.password === '' ? '' : '***' });
  }
  const address = `${host}:${port}/${database}`;
  const relation = options.table ?? 'query';
  const where = `${address} ${options.table === undefined ? 'query' : `table ${options.table}`}`;
  const secrets = [password, encodeURIComponent(password)].filter((s) => s.length >= 3);
  const redact = (text: string): string => secrets.reduce((t, s) => t.replaceAll(s, '***'), text);
  return { address, where, relation, user, shown, redact };
}

function missingCursor(target: Target, column: string, columns: readonly string[]): SourceError {
  return new SourceError(
    `${target.where}: the cursor column ${JSON.stringify(column)} is not among the columns (${columns.join(', ')}). Fix: declare a cursor column the ${target.relation === 'query' ? 'query selects' : 'table has'}`,
    { source: target.address, relation: target.relation, cursorColumn: column },
  );
}

/** SQLSTATE classes and codes after which retrying can help (connection, shutdown, resources, conflicts). */
const RETRYABLE_SQLSTATE = /^(08|53|57P0|40)/;

/**
 * Turns a driver or server error into a SourceError naming the source, the last row read and a fix.
 * `streaming` = the cursor was open, so a connection error means the server went away mid-stream.
 */
function sourceError(
  error: unknown,
  target: Target,
  last: string | undefined,
  streaming: boolean,
  cause: unknown = error,
): SourceError {
  const e = (error ?? {}) as { code?: unknown; message?: unknown };
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
    case '28P01':
    case '28000':
      return make(
        `login refused (${reason})`,
        `check the user and password in postgres({ connection }) and that pg_hba.conf admits ${target.user || 'the user'} from this host`,
        false,
      );
    case '3D000':
      return make(`${reason}`, 'check the database name in postgres({ connection })', false);
    case '42P01':
      return make(
        reason,
        target.relation === 'query'
          ? 'check the table names in postgres({ query })'
          : "write postgres({ table: 'schema.table' }) exactly as \\dt lists it (names are case-sensitive and quoted as written)",
        false,
      );
    case '42703':
      return make(reason, 'check the column names in the query and the cursor column', false);
    case '42501':
      return make(
        `permission denied (${reason})`,
        `GRANT SELECT on the ${target.relation === 'query' ? 'tables the query reads' : 'table'} (and USAGE on its schema) to ${target.user || 'the user'}`,
        false,
      );
    case '57014':
      return make(
        `statement timed out or was cancelled${at} (${reason})`,
        'raise postgres({ statementTimeoutMs }) or add an index on the cursor column',
        false,
      );
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
      return make(
        `cannot reach the server (${reason})`,
        'check that PostgreSQL is running and reachable at that host and port (firewall, listen_addresses), then re-run',
        true,
      );
  }
  if (code !== undefined && /^(42|22|0A)/.test(code))
    return make(reason, 'fix the query or the cursor column; run it in psql to see the same error', false);
  const connectionLost =
    (code !== undefined && RETRYABLE_SQLSTATE.test(code)) ||
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    /terminat|Connection terminated|not queryable|closed|ECONNRESET/i.test(reason);
  if (connectionLost && streaming) {
    return make(
      `connection lost mid-stream${at || ' before the first row'} (${reason})`,
      'check the server, then re-run the load: nothing was committed, and an incremental load resumes after its stored cursor',
      true,
    );
  }
  if (connectionLost || /timeout/i.test(reason)) {
    return make(
      `cannot read${at} (${reason})`,
      'check that the server is up and accepting connections, then re-run',
      true,
    );
  }
  return make(
    `cannot read${at} (${reason})`,
    'run the same query in psql to see the server-side cause',
    false,
  );
}
