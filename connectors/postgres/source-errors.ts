/** What PostgreSQL's SQLSTATE codes and driver errors mean for a read, and how to fix each. */
import type { SqlErrorDialect } from '../sql-database/source-error.ts';

/** SQLSTATE classes and codes after which retrying can help (connection, shutdown, resources, conflicts). */
const RETRYABLE_SQLSTATE = /^(08|53|57P0|40)/;

/** The PostgreSQL errors of the shared SQL-database error mapping. */
export const POSTGRES_ERRORS: SqlErrorDialect = {
  known(code, { reason, at, target }, make) {
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
    return undefined;
  },
  lost: (_error, code, reason) =>
    (code !== undefined && RETRYABLE_SQLSTATE.test(code)) ||
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    /terminat|Connection terminated|not queryable|closed|ECONNRESET/i.test(reason),
  transient: (reason) => /timeout/i.test(reason),
  unexplainedFix: 'run the same query in psql to see the server-side cause',
};
