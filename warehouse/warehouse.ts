import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue } from '@duckdb/node-api';
import {
  allDivisions,
  CODE_TABLES,
  IDENTIFIER_MACROS,
  quoteIdent,
  quoteLiteral,
  VALUE_MACROS,
} from '../schemas/index.ts';
import { type ArrowStream, insertArrowStream, queryArrowStream } from './arrow-stream.ts';
import { WarehouseError, WarehouseLockedError } from './errors.ts';
import { acquireLock, type WarehouseLock } from './lock.ts';
import { META_TABLE } from './system/meta.ts';
import { CODE_TABLES_TABLE, DIVISIONS_TABLE } from './system/reference-tables.ts';
import { LEGACY_SYSTEM_TABLES, SCHEMA_VERSION, SYSTEM_TABLES } from './system-tables.ts';
import { type FixedColumn, readFixedColumns, readInt32Columns } from './text-columns.ts';

/** The WAL size at which DuckDB checkpoints the warehouse automatically. */
const CHECKPOINT_THRESHOLD = '64MB';

/** The default warehouse file of a project, relative to the project directory. */
export const DEFAULT_WAREHOUSE_PATH = '.gongshu/warehouse.duckdb';

/** Options of `openWarehouse`. */
export interface WarehouseOptions {
  /** The DuckDB file, or `:memory:`. Defaults to `.gongshu/warehouse.duckdb` under the current directory. */
  readonly path?: string;
  /** Open without taking the writer lock; writes fail. Defaults to false. */
  readonly readOnly?: boolean;
  /** DuckDB session time zone. Defaults to Asia/Shanghai. */
  readonly timeZone?: string;
  /**
   * DuckDB's memory limit (e.g. `1GB`): above it DuckDB spills to disk next to the database, so big loads
   * keep a bounded footprint. Defaults to `$GONGSHU_MEMORY_LIMIT`, else DuckDB's default (80% of RAM).
   */
  readonly memoryLimit?: string;
}

/** A row of a query result with JS values (BIGINT as number when safe, else bigint). */
export type Row = Record<string, unknown>;

/** Query parameters: positional (`$1`, `$2` …) or named (`$name`). */
export type Params = readonly unknown[] | Readonly<Record<string, unknown>>;

function bind(params: Params): DuckDBValue[] | Record<string, DuckDBValue> | undefined {
  if (Array.isArray(params)) return params.length ? (params as DuckDBValue[]) : undefined;
  return Object.keys(params).length ? (params as Record<string, DuckDBValue>) : undefined;
}

/** Rows appended with `append`: each value text, number, boolean or null. */
export type AppendValue = string | number | boolean | null;

/**
 * An open gongshu warehouse: one DuckDB file, its system tables, the identifier macros,
 * and (unless read-only) the single-writer lock. Nothing outside `warehouse/` opens DuckDB.
 */
export class Warehouse {
  private depth = 0;

  private constructor(
    readonly path: string,
    readonly readOnly: boolean,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly lock: WarehouseLock | undefined,
  ) {}

  /** Opens (creating if needed) and migrates a warehouse. */
  static async open(options: WarehouseOptions = {}): Promise<Warehouse> {
    const memory = options.path === ':memory:';
    const path = memory ? ':memory:' : resolve(options.path ?? DEFAULT_WAREHOUSE_PATH);
    const readOnly = options.readOnly ?? false;
    if (!memory && !readOnly) mkdirSync(dirname(path), { recursive: true });
    const lock = memory || readOnly ? undefined : acquireLock(path);
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, readOnly ? { access_mode: 'READ_ONLY' } : {});
    } catch (error) {
      lock?.release();
      const message = String((error as Error).message ?? error);
      if (/lock/i.test(message)) throw new WarehouseLockedError(path, undefined, error);
      throw new WarehouseError(`${path}: cannot open the warehouse: ${message}`, { path }, error);
    }
    const connection = await instance.connect();
    const wh = new Warehouse(path, readOnly, instance, connection, lock);
    try {
      await wh.run(`SET TimeZone = ${quoteLiteral(options.timeZone ?? 'Asia/Shanghai')}`);
      // DuckDB checkpoints when the WAL passes 16 MB by default: with many medium-sized commits (pushed chunks,
      // loads in batches) it rewrites the same partly filled row groups again and again. 64 MB keeps the WAL
      // (and its replay after a crash) small and spares most of those rewrites (push of 1M rows: 15.6 → 12.6 s).
      await wh.run(`SET checkpoint_threshold = '${CHECKPOINT_THRESHOLD}'`);
      // Memory a large statement frees is returned to the OS by a background thread, not by the statements
      // that follow it (an incremental foundation build right after a full one: ~135 → ~110 ms in its first runs).
      await wh.run('SET allocator_background_threads = true');
      const memoryLimit = options.memoryLimit ?? process.env.GONGSHU_MEMORY_LIMIT;
      if (memoryLimit) {
        if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(memoryLimit)) {
          throw new WarehouseError(
            `memory limit: expected a size such as 1GB or 512MB; got ${JSON.stringify(memoryLimit)}. Fix: memoryLimit: '1GB' (or GONGSHU_MEMORY_LIMIT=1GB)`,
          );
        }
        await wh.run(`SET memory_limit = '${memoryLimit}'`);
      }
      if (!readOnly) await wh.migrate();
      await wh.installMacros();
    } catch (error) {
      wh.close();
      throw error;
    }
    return wh;
  }

  /** Runs a statement. Parameters bind to `$1`, `$2`, … */
  async run(sql: string, params: Params = []): Promise<void> {
    try {
      await this.connection.run(sql, bind(params));
    } catch (error) {
      throw queryError(sql, error);
    }
  }

  /** Runs a query and returns its rows as JS objects. */
  async all<T extends Row = Row>(sql: string, params: Params = []): Promise<T[]> {
    try {
      const reader = await this.connection.runAndReadAll(sql, bind(params));
      return reader.getRowObjectsJS().map((row) => {
        for (const k of Object.keys(row)) {
          const v = row[k];
          if (typeof v === 'bigint' && v <= Number.MAX_SAFE_INTEGER && v >= Number.MIN_SAFE_INTEGER) {
            row[k] = Number(v);
          }
        }
        return row as T;
      });
    } catch (error) {
      throw queryError(sql, error);
    }
  }

  /** Runs a query and returns rows with JSON-safe values (dates as ISO text, big numbers as text). */
  async json(sql: string, params: Params = []): Promise<{ columns: string[]; rows: Row[] }> {
    try {
      const reader = await this.connection.runAndReadAll(sql, bind(params));
      return { columns: reader.columnNames(), rows: reader.getRowObjectsJson() as Row[] };
    } catch (error) {
      throw queryError(sql, error);
    }
  }

  /** The first column of the first row, or undefined. */
  async value<T = unknown>(sql: string, params: Params = []): Promise<T | undefined> {
    const rows = await this.all(sql, params);
    const first = rows[0];
    return first === undefined ? undefined : (Object.values(first)[0] as T);
  }

  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws.
   * Nested calls join the outer transaction.
   */
  async transaction<T>(fn: (wh: Warehouse) => Promise<T>): Promise<T> {
    if (this.depth > 0) return fn(this);
    await this.run('BEGIN TRANSACTION');
    this.depth++;
    try {
      const result = await fn(this);
      this.depth--;
      await this.run('COMMIT');
      return result;
    } catch (error) {
      this.depth--;
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** Appends rows to a table (in the current transaction, if any) with DuckDB's appender. */
  async append(
    table: string,
    rows: Iterable<readonly AppendValue[]>,
    opts: { schema?: string; catalog?: string } = {},
  ): Promise<number> {
    // A `schema.table` name (the system tables' constants) is split like hasTable does.
    const [schema, name] =
      opts.schema === undefined && table.includes('.') ? table.split('.', 2) : [opts.schema ?? null, table];
    const appender = await this.connection.createAppender(
      name ?? table,
      schema ?? null,
      opts.catalog ?? null,
    );
    let n = 0;
    try {
      for (const row of rows) {
        for (const v of row) {
          if (v === null) appender.appendNull();
          else if (typeof v === 'string') appender.appendVarchar(v);
          else if (typeof v === 'boolean') appender.appendBoolean(v);
          else if (Number.isInteger(v)) appender.appendBigInt(BigInt(v));
          else appender.appendDouble(v);
        }
        appender.endRow();
        n++;
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    return n;
  }

  /**
   * Reads the INTEGER columns of a query into Int32Arrays (NULL reads as 0), columnar: no JS value per row.
   * @example const [lengths] = await wh.int32Columns('SELECT CAST(strlen(name) AS INTEGER) FROM t ORDER BY rowid');
   */
  async int32Columns(sql: string, params: Params = []): Promise<Int32Array[]> {
    try {
      return await readInt32Columns(this.connection, sql, bind(params));
    } catch (error) {
      if (error instanceof WarehouseError) throw error;
      throw queryError(sql, error);
    }
  }

  /**
   * Reads the DATE, TIMESTAMP[ TZ], INTEGER and BIGINT columns of a query straight from DuckDB's vectors.
   * @example const [born] = await wh.fixedColumns('SELECT birth_date FROM t ORDER BY rowid');
   */
  async fixedColumns(sql: string, params: Params = []): Promise<FixedColumn[]> {
    try {
      return await readFixedColumns(this.connection, sql, bind(params));
    } catch (error) {
      if (error instanceof WarehouseError) throw error;
      throw queryError(sql, error);
    }
  }

  /**
   * Runs a query and returns its result as an Arrow IPC stream of one record batch, converted from Parquet
   * that DuckDB writes (no JS value per row). Parameters cannot be bound: inline literals.
   * @example const { ipc, rows } = await wh.arrowStream('SELECT name, birth_date FROM hukou WHERE rowid < 1000');
   */
  async arrowStream(sql: string): Promise<ArrowStream> {
    try {
      return await queryArrowStream(this.connection, sql);
    } catch (error) {
      if (error instanceof WarehouseError) throw error;
      throw queryError(sql, error);
    }
  }

  /**
   * Inserts an Arrow IPC stream with SQL (in the current transaction, if any): `insert` receives the relation to
   * select from, a `read_parquet(…)` of the stream converted to a temporary Parquet file.
   * @example await wh.insertArrow(ipc, (src) => `INSERT INTO t SELECT * FROM ${src}`);
   */
  async insertArrow(
    ipc: Uint8Array,
    insert: (source: string) => string,
    params: Readonly<Record<string, string>> = {},
  ): Promise<void> {
    try {
      await insertArrowStream(this.connection, ipc, insert, Object.keys(params).length ? params : undefined);
    } catch (error) {
      if (error instanceof WarehouseError) throw error;
      throw queryError(insert('<arrow stream>'), error);
    }
  }

  /** Whether a table or view exists (schema `main` unless qualified as `schema.name`). */
  async hasTable(name: string): Promise<boolean> {
    const [schema, table] = name.includes('.') ? name.split('.', 2) : ['main', name];
    const n = await this.value<number>(
      `SELECT count(*) FROM duckdb_tables() WHERE schema_name = $1 AND table_name = $2`,
      [schema, table],
    );
    return (n ?? 0) > 0;
  }

  /** Closes the connection and the database and releases the writer lock. */
  close(): void {
    try {
      this.connection.closeSync();
      this.instance.closeSync();
    } finally {
      this.lock?.release();
    }
  }

  private async migrate(): Promise<void> {
    await this.transaction(async () => {
      const legacy = await this.legacySystemTables();
      for (const ddl of SYSTEM_TABLES) await this.run(ddl);
      // The first layout kept the system tables in main as gongshu_<name>: move their rows, then drop them.
      for (const [old, table] of legacy) {
        await this.run(`INSERT INTO ${table} BY NAME SELECT * FROM main.${quoteIdent(old)}`);
        await this.run(`DROP TABLE main.${quoteIdent(old)}`);
      }
      await this.run(
        `INSERT INTO ${META_TABLE} VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        [String(SCHEMA_VERSION)],
      );
      await this.loadReferenceData();
    });
  }

  /** The system tables of the first layout (`main.gongshu_<name>`) this warehouse still holds. */
  private async legacySystemTables(): Promise<(readonly [string, string])[]> {
    const present = new Set(
      (
        await this.all<{ t: string }>(
          `SELECT table_name AS t FROM duckdb_tables() WHERE schema_name = 'main' AND database_name = current_database()`,
        )
      ).map((r) => r.t),
    );
    return LEGACY_SYSTEM_TABLES.filter(([old]) => present.has(old));
  }

  /** Loads the division and code tables when the committed data changed since the last open. */
  private async loadReferenceData(): Promise<void> {
    const divisions = allDivisions();
    const hash = createHash('sha256')
      .update(JSON.stringify(divisions))
      .update(JSON.stringify(CODE_TABLES))
      .digest('hex');
    const current = await this.value<string>(`SELECT value FROM ${META_TABLE} WHERE key = 'reference_hash'`);
    if (current === hash) return;
    await this.run(`DELETE FROM ${DIVISIONS_TABLE}`);
    await this.run(`DELETE FROM ${CODE_TABLES_TABLE}`);
    await this.append(
      DIVISIONS_TABLE,
      divisions.map((d) => [d.code, d.name, d.level, d.parent, d.start, d.end, d.current]),
    );
    await this.append(
      CODE_TABLES_TABLE,
      CODE_TABLES.map((c) => [c.table, c.code, c.name_zh, c.name_en]),
    );
    await this.run(
      `INSERT INTO ${META_TABLE} VALUES ('reference_hash', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [hash],
    );
  }

  private async installMacros(): Promise<void> {
    for (const statement of [...VALUE_MACROS, ...IDENTIFIER_MACROS]) {
      // A read-only file cannot store macros: define them for this session only.
      await this.run(
        this.readOnly
          ? statement.replace(/CREATE OR REPLACE MACRO/i, 'CREATE OR REPLACE TEMP MACRO')
          : statement,
      );
    }
  }
}

function queryError(sql: string, error: unknown): WarehouseError {
  const message = String((error as Error)?.message ?? error);
  const short = sql.replace(/\s+/g, ' ').trim().slice(0, 200);
  return new WarehouseError(`query failed: ${message}\n  in: ${short}`, { sql }, error);
}

/** Opens a warehouse; see `WarehouseOptions`. */
export function openWarehouse(options: WarehouseOptions = {}): Promise<Warehouse> {
  return Warehouse.open(options);
}
