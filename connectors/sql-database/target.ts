/** Where a SQL-database source is, for messages, lineage and `describe()`: never carries the password. */

/** The parts of a connection an engine reads from its URL or connection object. */
export interface SqlEndpoint {
  readonly host: string;
  readonly port: string | number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
  /** The connection as shown in describe(): the password replaced by `***`. */
  readonly shown: string | Readonly<Record<string, unknown>>;
}

/** Where a database source is, for messages and lineage: never carries the password. */
export interface SqlTarget {
  /** `host:port/database`. */
  readonly address: string;
  /** `host:port/database table people` or `… query`. */
  readonly where: string;
  /** The table name, or `query`: the prefix of every row location. */
  readonly relation: string;
  readonly user: string;
  /** The connection as shown in describe(): the password replaced by `***`. */
  readonly shown: string | Readonly<Record<string, unknown>>;
  /** Removes the password from any text (a server or driver message). */
  readonly redact: (text: string) => string;
}

/** The target of a table or query read through `endpoint`. */
export function sqlTarget(
  options: { readonly table?: string | undefined },
  endpoint: SqlEndpoint,
): SqlTarget {
  const { host, port, database, user, password, shown } = endpoint;
  const address = `${host}:${port}/${database}`;
  const relation = options.table ?? 'query';
  const where = `${address} ${options.table === undefined ? 'query' : `table ${options.table}`}`;
  const secrets = [password, encodeURIComponent(password)].filter((s) => s.length >= 3);
  const redact = (text: string): string => secrets.reduce((t, s) => t.replaceAll(s, '***'), text);
  return { address, where, relation, user, shown, redact };
}

/** A connection URL, or undefined when it does not parse (the target then says so instead of failing). */
export function parseConnectionUrl(connection: string): URL | undefined {
  try {
    return new URL(connection);
  } catch {
    return undefined;
  }
}

/** A URL whose password was replaced by `***`, as text (the stars unescaped). */
export function shownUrl(url: URL): string {
  return url.toString().replace('%2A%2A%2A', '***');
}

/** A connection object as shown in describe(): the password replaced by `***` (an empty one stays empty). */
export function shownConnection<C extends { readonly password: string }>(connection: C): Readonly<C> {
  return Object.freeze({ ...connection, password: connection.password === '' ? '' : '***' });
}
