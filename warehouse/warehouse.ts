import { createHash } from 'node:crypto';
import { mkdirSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DuckDBConnection, DuckDBInstance, DuckDBValue } from '@duckdb/node-api';
import {
  allDivisions,
  CODE_TABLES,
  IDENTIFIER_MACROS,
  quoteIdent,
  quoteLiteral,
  VALUE_MACROS,
} from '../schemas/index.ts';
import { type ArrowStream, insertArrowStream, queryArrowStream } from './arrow-stream.ts';
import { duckdbApi } from './duckdb-api.ts';
import {
  WarehouseDiskFullError,
  WarehouseError,
  WarehouseLockedError,
  WarehouseQueryError,
} from './errors.ts';
import { acquireLock, type WarehouseLock } from './lock.ts';
import { META_TABLE } from './system/meta.ts';
import { CODE_TABLES_TABLE, DIVISIONS_TABLE } from './system/reference-tables.ts';
import { markInterruptedRuns } from './system/runs.ts';
import { LEGACY_SYSTEM_TABLES, SCHEMA_VERSION, SYSTEM_TABLES, SYSTEM_UPGRADES } from './system-tables.ts';
import { type FixedColumn, readFixedColumns, readInt32Columns } from './text-columns.ts';

/** The session time zone of a warehouse unless the options name another. */
const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

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
  /**
   * Transaction nesting and the first statement that failed in the current transaction, shared with the
   * handles `lend()` returns.
   */
  private readonly tx: { depth: number; firstFailure: WarehouseError | undefined } = {
    depth: 0,
    firstFailure: undefined,
  };

  private constructor(
    readonly path: string,
    readonly readOnly: boolean,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly lock: WarehouseLock | undefined,
    /** The session time zone: TIMESTAMPTZ values are shown and read in it. */
    readonly timeZone: string = DEFAULT_TIME_ZONE,
    /** A `reader()` connection: closing it closes the connection only. */
    private readonly shared = false,
  ) {}

  /** The memory limit the warehouse was opened with (options or `$GONGSHU_MEMORY_LIMIT`); undefined: DuckDB's default. */
  get memoryLimit(): string | undefined {
    return this.openedMemoryLimit;
  }
  // A plain field, not #private: the node service hands commands a Proxy of the warehouse, and a #field read
  // through a Proxy throws.
  private openedMemoryLimit: string | undefined;

  /** Opens (creating if needed) and migrates a warehouse. */
  static async open(options: WarehouseOptions = {}): Promise<Warehouse> {
    const memory = options.path === ':memory:';
    const path = memory ? ':memory:' : resolve(options.path ?? DEFAULT_WAREHOUSE_PATH);
    const readOnly = options.readOnly ?? false;
    if (!memory && !readOnly) mkdirSync(dirname(path), { recursive: true });
    const lock = memory || readOnly ? undefined : acquireLock(path);
    let instance: DuckDBInstance;
    try {
      instance = await duckdbApi.DuckDBInstance.create(path, readOnly ? { access_mode: 'READ_ONLY' } : {});
    } catch (error) {
      lock?.release();
      const message = String((error as Error).message ?? error);
      if (/lock/i.test(message)) throw new WarehouseLockedError(path, undefined, error);
      throw new WarehouseError(`${path}: cannot open the warehouse: ${message}`, { path }, error);
    }
    const connection = await instance.connect();
    const wh = new Warehouse(
      path,
      readOnly,
      instance,
      connection,
      lock,
      options.timeZone ?? DEFAULT_TIME_ZONE,
    );
    let upgrade = false;
    try {
      await wh.run(`SET TimeZone = ${quoteLiteral(wh.timeZone)}`);
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
        wh.openedMemoryLimit = memoryLimit;
      }
      if (!readOnly) await wh.migrate();
      else if (!memory) upgrade = await wh.outdated();
      // A writable open installs the macros in migrate() when the file's are not current; a read-only one uses
      // the file's, or defines them for its session.
      if (readOnly && !upgrade && (memory || !(await wh.macrosCurrent()))) await wh.installMacros();
    } catch (error) {
      wh.close();
      throw error;
    }
    if (upgrade) {
      // Written by an earlier version: upgrade it (briefly as the writer), then open it read-only again.
      wh.close();
      (await Warehouse.open({ ...options, readOnly: false })).close();
      return Warehouse.open(options);
    }
    return wh;
  }

  /** Runs a statement. Parameters bind to `$1`, `$2`, … */
  async run(sql: string, params: Params = []): Promise<void> {
    try {
      await this.connection.run(sql, bind(params));
    } catch (error) {
      throw this.failed(sql, error);
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
      throw this.failed(sql, error);
    }
  }

  /** Runs a query and returns rows with JSON-safe values (dates as ISO text, big numbers as text). */
  async json(sql: string, params: Params = []): Promise<{ columns: string[]; rows: Row[] }> {
    try {
      const reader = await this.connection.runAndReadAll(sql, bind(params));
      return { columns: reader.columnNames(), rows: reader.getRowObjectsJson() as Row[] };
    } catch (error) {
      throw this.failed(sql, error);
    }
  }

  /**
   * Runs a query for people and scripts (`gongshu sql`): rows with JSON values where integers of every width are
   * numbers (text only beyond 2^53), and TIMESTAMPTZ values are written in the session time zone with their
   * offset (`2026-12-06 13:10:00+08`), the form the same session reads back unchanged.
   */
  async display(sql: string): Promise<{ columns: string[]; rows: Row[] }> {
    try {
      const reader = await this.connection.runAndReadAll(sql);
      const columns = reader.columnNames();
      const rows = reader.getRowObjectsJson() as Row[];
      const types = reader.columnTypes().map((t) => String(t));
      const integers = columns.filter((_, i) => /^U?(BIGINT|HUGEINT)$/.test(types[i]!));
      const zoned = columns.flatMap((c, i) =>
        types[i] === 'TIMESTAMP WITH TIME ZONE' ? [[c, i] as const] : [],
      );
      const raw = zoned.length ? reader.getRows() : [];
      rows.forEach((row, r) => {
        for (const c of integers) {
          const n = Number(row[c]);
          if (typeof row[c] === 'string' && Number.isSafeInteger(n)) row[c] = n;
        }
        for (const [c, i] of zoned) {
          const micros = (raw[r]?.[i] as { micros?: bigint } | null)?.micros;
          if (typeof micros === 'bigint') row[c] = formatZoned(micros, this.timeZone);
        }
      });
      return { columns, rows };
    } catch (error) {
      throw this.failed(sql, error);
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
    if (this.tx.depth > 0) return fn(this);
    await this.run('BEGIN TRANSACTION');
    this.tx.depth++;
    this.tx.firstFailure = undefined;
    let result: T;
    try {
      result = await fn(this);
    } catch (error) {
      this.tx.depth--;
      await this.connection.run('ROLLBACK').catch(() => undefined);
      // A statement after the failing one (a cleanup in a finally) fails with "transaction is aborted": the
      // cause is the first failure.
      const first = this.tx.firstFailure;
      this.tx.firstFailure = undefined;
      throw first && isAborted(error) ? first : error;
    }
    this.tx.depth--;
    try {
      await this.run('COMMIT');
    } catch (error) {
      await this.connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
    return result;
  }

  /** The error for a failed statement; inside a transaction the first one is kept (see `transaction`). */
  private failed(sql: string, error: unknown): WarehouseError {
    const e = queryError(this.path, sql, error);
    if (this.tx.depth > 0) {
      if (this.tx.firstFailure && isAborted(e)) return this.tx.firstFailure;
      this.tx.firstFailure ??= e;
    }
    return e;
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
      throw this.failed(sql, error);
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
      throw this.failed(sql, error);
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
      throw this.failed(sql, error);
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
      throw this.failed(insert('<arrow stream>'), error);
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

  /**
   * Has DuckDB track the progress of the statements it runs (for `queryProgress`); off by default, as in
   * DuckDB. It never prints (the CLI draws its own line).
   */
  async trackProgress(): Promise<void> {
    await this.run('SET enable_progress_bar = true');
    await this.run('SET enable_progress_bar_print = false');
  }

  /**
   * Puts DuckDB's progress settings back to their defaults (after `trackProgress`): a connection shared by
   * several commands (the node service's) does not keep one command's tracking.
   */
  async untrackProgress(): Promise<void> {
    await this.run('RESET enable_progress_bar');
    await this.run('RESET enable_progress_bar_print');
  }

  /**
   * The share (0–1) done of the statement running now, as DuckDB estimates it (a CSV read: bytes read), or null
   * when it cannot tell. Safe to call while a statement runs (it reads a counter).
   */
  queryProgress(): number | null {
    try {
      const p = this.connection.progress.percentage;
      return p > 0 && p <= 100 ? p / 100 : null;
    } catch {
      return null;
    }
  }

  /** Closes the connection and the database and releases the writer lock (a `reader()`: its connection only). */
  close(): void {
    if (this.shared) {
      this.connection.closeSync();
      return;
    }
    try {
      this.connection.closeSync();
      this.instance.closeSync();
    } finally {
      this.lock?.release();
    }
  }

  /**
   * This open warehouse as a handle whose `close()` does nothing: for code that closes the warehouse it is
   * given (a CLI command run inside the node service, which keeps the warehouse open).
   */
  lend(): Warehouse {
    const view = Object.create(this) as Warehouse;
    Object.defineProperty(view, 'close', { value: () => undefined });
    return view;
  }

  /**
   * A second connection to this open warehouse for reading beside the writer: it runs in one READ ONLY
   * transaction (a snapshot of what was committed when it was made; writes fail), and `close()` closes only it.
   * @example const r = await wh.reader(); try { await r.all('SELECT …') } finally { r.close() }
   */
  async reader(): Promise<Warehouse> {
    const connection = await this.instance.connect();
    const r = new Warehouse(this.path, true, this.instance, connection, undefined, this.timeZone, true);
    try {
      await r.run(`SET TimeZone = ${quoteLiteral(this.timeZone)}`);
      await r.run('BEGIN TRANSACTION READ ONLY');
    } catch (error) {
      connection.closeSync();
      throw error;
    }
    return r;
  }

  /** Interrupts the statement running on this connection (it fails, and its transaction rolls back). */
  interrupt(): void {
    this.connection.interrupt();
  }

  /** Whether the file holds gongshu system tables older than this version's (read-only opens check). */
  private async outdated(): Promise<boolean> {
    if ((await this.legacySystemTables()).length > 0) return true;
    if (!(await this.hasTable(META_TABLE))) return false;
    const stored = await this.value<string>(`SELECT value FROM ${META_TABLE} WHERE key = 'schema_version'`);
    return Number(stored ?? 0) < SCHEMA_VERSION;
  }

  /**
   * Brings the file's system tables, reference data and macros up to this version. What the file already holds
   * is skipped: the layout's DDL and the macros are fingerprinted (meta `layout_hash`, `macros_hash`), so an open
   * of a current warehouse runs three small statements instead of ~60 (about 240 of its 340 ms).
   */
  private async migrate(): Promise<void> {
    const fingerprint = fingerprints();
    await this.transaction(async () => {
      const stored = await this.storedMeta();
      const legacy = await this.legacySystemTables();
      const current =
        stored.get('layout_hash') === fingerprint.layout &&
        stored.get('schema_version') === String(SCHEMA_VERSION) &&
        legacy.length === 0;
      if (!current) {
        for (const ddl of SYSTEM_TABLES) await this.run(ddl);
        // The first layout kept the system tables in main as gongshu_<name>: move their rows, then drop them.
        for (const [old, table] of legacy) {
          await this.run(`INSERT INTO ${table} BY NAME SELECT * FROM main.${quoteIdent(old)}`);
          await this.run(`DROP TABLE main.${quoteIdent(old)}`);
        }
        for (const upgrade of SYSTEM_UPGRADES) await this.run(upgrade);
        await this.setMeta('schema_version', String(SCHEMA_VERSION));
        await this.setMeta('layout_hash', fingerprint.layout);
      }
      await this.loadReferenceData(stored.get('reference_hash'));
      await markInterruptedRuns(this);
      if (stored.get('macros_hash') !== fingerprint.macros) {
        await this.installMacros();
        await this.setMeta('macros_hash', fingerprint.macros);
      }
    });
  }

  /** The meta table's entries (empty before the first migration). */
  private async storedMeta(): Promise<Map<string, string>> {
    if (!(await this.hasTable(META_TABLE))) return new Map();
    const rows = await this.all<{ key: string; value: string }>(`SELECT key, value FROM ${META_TABLE}`);
    return new Map(rows.map((r) => [r.key, r.value]));
  }

  private async setMeta(key: string, value: string): Promise<void> {
    await this.run(
      `INSERT INTO ${META_TABLE} VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [key, value],
    );
  }

  /** Whether the file stores this version's macros (a read-only open can use them as they are). */
  private async macrosCurrent(): Promise<boolean> {
    return (await this.storedMeta()).get('macros_hash') === fingerprints().macros;
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
  private async loadReferenceData(current: string | undefined): Promise<void> {
    const hash = fingerprints().reference;
    if (current === hash) return;
    const divisions = allDivisions();
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
    await this.setMeta('reference_hash', hash);
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

let fingerprinted: { layout: string; macros: string; reference: string } | undefined;

/** Hashes of what an open installs: the system layout's DDL, the macros, the division and code tables. */
function fingerprints(): { layout: string; macros: string; reference: string } {
  const sha = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');
  fingerprinted ??= {
    layout: sha([SCHEMA_VERSION, SYSTEM_TABLES, SYSTEM_UPGRADES]),
    macros: sha([...VALUE_MACROS, ...IDENTIFIER_MACROS]),
    reference: createHash('sha256')
      .update(JSON.stringify(allDivisions()))
      .update(JSON.stringify(CODE_TABLES))
      .digest('hex'),
  };
  return fingerprinted;
}

function queryError(path: string, sql: string, error: unknown): WarehouseError {
  const message = String((error as Error)?.message ?? error);
  if (DISK_FULL.test(message)) return diskFullError(path, message, error);
  const short = sql.replace(/\s+/g, ' ').trim().slice(0, 200);
  return new WarehouseQueryError(`query failed: ${message}\n  in: ${short}`, { sql }, error);
}

/** DuckDB's and the OS's words for a full disk. */
const DISK_FULL = /No space left on device|ENOSPC|disk is full|out of disk space/i;

const isAborted = (error: unknown) =>
  /Current transaction is aborted/i.test(String((error as Error)?.message ?? error));

/**
 * A write failed because the disk is full: says so, where (the file DuckDB named, else the warehouse), how much
 * space is left there, and that nothing was committed.
 */
function diskFullError(path: string, message: string, cause: unknown): WarehouseError {
  const file = /(?:file|directory) "([^"]+)"/.exec(message)?.[1] ?? path;
  const dir = dirname(resolve(file));
  let free = 'an unknown amount';
  try {
    const s = statfsSync(dir);
    free = formatBytes(Number(s.bavail) * Number(s.bsize));
  } catch {
    // the folder may be gone; say what we know
  }
  return new WarehouseDiskFullError(
    `${path}: the disk is full: writing ${file} failed (${dir} has ${free} free). Nothing of this operation was ` +
      'committed; the warehouse is as it was before it. Fix: free space on that disk (or move the warehouse to a ' +
      'larger one), then run again',
    { path, file, free },
    cause,
  );
}

function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  return `${Math.round(n / 1024)} KiB`;
}

/** Opens a warehouse; see `WarehouseOptions`. */
export function openWarehouse(options: WarehouseOptions = {}): Promise<Warehouse> {
  return Warehouse.open(options);
}

/**
 * An instant (microseconds since the epoch) as DuckDB writes a TIMESTAMPTZ in a session of `timeZone`:
 * `2026-12-06 13:10:00.123456+08` (fractional seconds only when there are some; `+05:30` style for odd offsets).
 */
export function formatZoned(micros: bigint, timeZone: string): string {
  const ms = Number((micros - (((micros % 1000n) + 1000n) % 1000n)) / 1000n);
  const fraction = Number(((micros % 1_000_000n) + 1_000_000n) % 1_000_000n);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const offset = /GMT([+-]\d{2}):?(\d{2})?/.exec(parts.timeZoneName ?? '');
  const zone = offset ? `${offset[1]}${offset[2] && offset[2] !== '00' ? `:${offset[2]}` : ''}` : '+00';
  const frac = fraction ? `.${String(fraction).padStart(6, '0').replace(/0+$/, '')}` : '';
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}${frac}${zone}`;
}
