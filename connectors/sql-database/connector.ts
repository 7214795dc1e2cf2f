/** The Connector every SQL-database source returns: describe() with the password hidden, check(), extract(). */
import { SourceError } from '../errors.ts';
import type {
  CheckResult,
  Connector,
  ConnectorDescription,
  ExtractContext,
  ExtractedBatch,
} from '../types.ts';
import type { SqlTarget } from './target.ts';

/** The options every SQL-database connector has. */
export interface SqlDatabaseOptions {
  readonly table?: string | undefined;
  readonly query?: string | undefined;
  readonly cursorColumn?: string | undefined;
  readonly batchSize: number;
}

/** What an engine gives the shared connector. */
export interface SqlDatabaseSource<O extends SqlDatabaseOptions> {
  /** `mysql`, `postgres`: the connector kind and the factory name in messages. */
  readonly kind: string;
  readonly options: O;
  readonly target: SqlTarget;
  /** Options shown by describe() after the shared ones (e.g. `statementTimeoutMs`). */
  readonly describeMore?: Readonly<Record<string, unknown>>;
  /** Connects, reads the server version and the columns of the relation (no rows), and closes. */
  readonly probe: () => Promise<{ readonly server: string; readonly columns: readonly string[] }>;
  readonly extract: (ctx: ExtractContext) => AsyncIterable<ExtractedBatch>;
  /** The SourceError of a failed connection or probe. */
  readonly error: (error: unknown) => SourceError;
}

/** The Connector of a table or query in a SQL database. */
export function sqlDatabaseConnector<O extends SqlDatabaseOptions>(source: SqlDatabaseSource<O>): Connector {
  const { kind, options, target } = source;
  return {
    kind,
    describe(): ConnectorDescription {
      return {
        kind,
        source: `${target.address}/${target.relation}`,
        options: {
          connection: target.shown,
          ...(options.table === undefined ? {} : { table: options.table }),
          ...(options.query === undefined ? {} : { query: options.query }),
          ...(options.cursorColumn === undefined ? {} : { cursorColumn: options.cursorColumn }),
          batchSize: options.batchSize,
          ...source.describeMore,
        },
      };
    },
    check: () => checkSqlSource(source),
    extract(ctx: ExtractContext = {}): AsyncIterable<ExtractedBatch> {
      return source.extract(ctx);
    },
  };
}

async function checkSqlSource<O extends SqlDatabaseOptions>(
  source: SqlDatabaseSource<O>,
): Promise<CheckResult> {
  const { kind, options, target } = source;
  try {
    const { server, columns } = await source.probe();
    const cursor = options.cursorColumn;
    if (cursor !== undefined && !columns.includes(cursor)) {
      return {
        ok: false,
        message: `${target.where}: connected (${server}), but the cursor column ${JSON.stringify(cursor)} is not among its columns (${columns.join(', ')}). Fix: set ${kind}({ cursorColumn }) to one of them`,
      };
    }
    return {
      ok: true,
      message: `${target.where}: connected (${server}), readable, ${columns.length} columns`,
    };
  } catch (error) {
    return { ok: false, message: source.error(error).message };
  }
}

/**
 * The error an extraction throws: the abort reason when cancelled, a SourceError as it is, anything else
 * through `toSourceError`.
 */
export function extractionError(
  error: unknown,
  signal: AbortSignal | undefined,
  toSourceError: (error: unknown) => SourceError,
): unknown {
  if (signal?.aborted) return signal.reason;
  if (error instanceof SourceError) return error;
  return toSourceError(error);
}
