/** What MySQL-protocol server and driver errors mean for a read, and how to fix each. */
import type { SqlErrorDialect } from '../sql-database/source-error.ts';

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

/** The MySQL-protocol errors of the shared SQL-database error mapping. */
export const MYSQL_ERRORS: SqlErrorDialect = {
  known(code, { reason, target }, make) {
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
    return undefined;
  },
  lost: (error, code, reason) =>
    (code !== undefined && RETRYABLE_CODES.has(code)) ||
    error.errno === ERRNO_CONNECTION_KILLED ||
    error.fatal === true ||
    /connection.*(lost|closed|killed)|closed state/i.test(reason),
  unexplainedFix: 'run the same query in the mysql client to see the cause',
};
