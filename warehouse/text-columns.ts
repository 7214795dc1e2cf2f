import { isUtf8 } from 'node:buffer';
import {
  BIGINT,
  DATE,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
  INTEGER,
  TIMESTAMP,
  TIMESTAMPTZ,
  VARCHAR,
} from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import { WarehouseError } from './errors.ts';

/**
 * A column of text in Apache Arrow's Utf8 layout: the UTF-8 bytes of all values back to back, `length + 1`
 * offsets into them, and a validity bitmap (bit `i` of byte `i >> 3` set when row `i` is not NULL; null when
 * no row is NULL). Moving text between DuckDB and Arrow this way never makes a JS string per value.
 */
export interface TextColumn {
  readonly length: number;
  readonly offsets: Int32Array;
  readonly data: Uint8Array;
  readonly validity: Uint8Array | null;
  readonly nullCount: number;
}

/** DuckDB types whose values move as fixed-width little-endian numbers (the same bytes in DuckDB and Arrow). */
export const FIXED_TYPES = {
  INTEGER: { width: 4, duckdb: INTEGER, id: DuckDBTypeId.INTEGER },
  BIGINT: { width: 8, duckdb: BIGINT, id: DuckDBTypeId.BIGINT },
  /** Days since 1970-01-01 (Arrow Date32). */
  DATE: { width: 4, duckdb: DATE, id: DuckDBTypeId.DATE },
  /** Microseconds since 1970-01-01 (Arrow Timestamp(µs)). */
  TIMESTAMP: { width: 8, duckdb: TIMESTAMP, id: DuckDBTypeId.TIMESTAMP },
  /** Microseconds since 1970-01-01 UTC (Arrow Timestamp(µs, "UTC")). */
  'TIMESTAMP WITH TIME ZONE': { width: 8, duckdb: TIMESTAMPTZ, id: DuckDBTypeId.TIMESTAMP_TZ },
} as const satisfies Record<string, { width: 4 | 8; duckdb: DuckDBType; id: DuckDBTypeId }>;

/** A DuckDB type that moves as fixed-width numbers. */
export type FixedType = keyof typeof FIXED_TYPES;

/** Whether a DuckDB type name moves as fixed-width numbers. */
export function isFixedType(type: string): type is FixedType {
  return Object.hasOwn(FIXED_TYPES, type);
}

/**
 * A column of fixed-width values in the layout DuckDB's vectors and Arrow's primitive arrays share: `length`
 * little-endian values of the type's width back to back (a NULL's bytes are unspecified), and a validity bitmap
 * as in `TextColumn`.
 */
export interface FixedColumn {
  readonly type: FixedType;
  readonly length: number;
  readonly data: Uint8Array;
  readonly validity: Uint8Array | null;
  readonly nullCount: number;
}

/** Which rows `readTextColumns` reads: `SELECT … FROM <from> [WHERE <where>]` in `orderBy` order. */
export interface TextSelection {
  readonly from: string;
  readonly where?: string;
  /** A total order of the rows (e.g. `rowid`): the lengths and the bytes are read in two passes. */
  readonly orderBy: string;
}

/** Rows a DuckDB vector holds (the C API's STANDARD_VECTOR_SIZE). */
const VECTOR_SIZE = duckdb.vector_size();
/** Longest string DuckDB stores inline in its 16-byte string header. */
const INLINE_BYTES = 12;

type Bind = DuckDBValue[] | Record<string, DuckDBValue> | undefined;

function int32s(bytes: Uint8Array, count: number): Int32Array {
  if (bytes.byteOffset % 4 === 0) return new Int32Array(bytes.buffer, bytes.byteOffset, count);
  return new Int32Array(bytes.slice(0, count * 4).buffer);
}

/** Reads INTEGER columns of a query into Int32Arrays (NULL reads as 0), straight from DuckDB's vectors. */
export async function readInt32Columns(
  connection: DuckDBConnection,
  sql: string,
  params: Bind,
): Promise<Int32Array[]> {
  const columns = await readFixedColumns(connection, sql, params, 'INTEGER');
  return columns.map((column) => {
    const items = int32s(column.data, column.length);
    const { validity } = column;
    if (validity)
      for (let i = 0; i < column.length; i++) if (!(validity[i >> 3]! & (1 << (i & 7)))) items[i] = 0;
    return items;
  });
}

/**
 * Reads the columns of a query whose types are in `FIXED_TYPES` straight from DuckDB's vectors (no JS value per
 * row); the buffers start 8-byte aligned.
 */
export async function readFixedColumns(
  connection: DuckDBConnection,
  sql: string,
  params: Bind,
  only?: FixedType,
): Promise<FixedColumn[]> {
  const result = await connection.run(sql, params);
  const width = result.columnCount;
  const types: FixedType[] = [];
  for (let c = 0; c < width; c++) {
    const name = String(result.columnType(c));
    const id = result.columnTypeId(c);
    const type = (Object.keys(FIXED_TYPES) as FixedType[]).find((t) => FIXED_TYPES[t].id === id);
    if (only && type !== only) {
      throw new WarehouseError(
        `${only.toLowerCase()} columns: column ${c + 1} (${result.columnName(c)}) is ${name}; expected ${only}. Fix: CAST(… AS ${only}) in the query`,
        { sql },
      );
    }
    if (!type) {
      throw new WarehouseError(
        `fixed columns: column ${c + 1} (${result.columnName(c)}) is ${name}; expected one of ${Object.keys(FIXED_TYPES).join(', ')}. Fix: read it as text`,
        { sql },
      );
    }
    types.push(type);
  }
  const datas: Uint8Array[][] = Array.from({ length: width }, () => []);
  const valids: (Uint8Array | null)[][] = Array.from({ length: width }, () => []);
  const counts: number[] = [];
  let rows = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const m = chunk.rowCount;
    for (let c = 0; c < width; c++) {
      const v = duckdb.data_chunk_get_vector(chunk.chunk, c);
      datas[c]!.push(duckdb.vector_get_data(v, m * FIXED_TYPES[types[c]!].width).slice());
      const valid = duckdb.vector_get_validity(v, Math.ceil(m / 64) * 8);
      valids[c]!.push(valid ? valid.slice() : null);
    }
    counts.push(m);
    rows += m;
  }
  return types.map((type, c) => {
    const w = FIXED_TYPES[type].width;
    const data = new Uint8Array(rows * w);
    let validity: Uint8Array | null = null;
    let nullCount = 0;
    let at = 0;
    for (let p = 0; p < counts.length; p++) {
      const m = counts[p]!;
      data.set(datas[c]![p]!, at * w);
      const valid = valids[c]![p];
      if (valid) {
        for (let i = 0; i < m; i++) {
          if (valid[i >> 3]! & (1 << (i & 7))) continue;
          validity ??= new Uint8Array(((rows + 63) >> 6) << 3).fill(0xff);
          const r = at + i;
          validity[r >> 3]! &= ~(1 << (r & 7));
          nullCount++;
        }
      }
      at += m;
    }
    return { type, length: rows, data, validity: nullCount > 0 ? validity : null, nullCount };
  });
}

/**
 * Reads expressions of a relation as text (`CAST(… AS VARCHAR)`) into Arrow Utf8 columns: one pass reads each
 * value's byte length from DuckDB's INTEGER vectors, a second reads all the bytes as one ordered `string_agg` of
 * the rows' concatenated values, which the lengths cut into columns; so DuckDB sorts once per read, and no JS
 * value is made per row.
 */
export async function readTextColumns(
  connection: DuckDBConnection,
  selection: TextSelection,
  expressions: readonly string[],
  params: Bind,
): Promise<TextColumn[]> {
  const where = selection.where ? ` WHERE ${selection.where}` : '';
  const text = expressions.map((e) => `CAST(${e} AS VARCHAR)`);
  const lengthsSql = `SELECT ${text.map((t) => `CAST(strlen(${t}) AS INTEGER)`).join(', ')} FROM ${selection.from}${where} ORDER BY ${selection.orderBy}`;
  const result = await connection.run(lengthsSql, params);
  const width = expressions.length;
  const lengths: Int32Array[][] = Array.from({ length: width }, () => []);
  const valids: (Uint8Array | null)[][] = Array.from({ length: width }, () => []);
  let rows = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const m = chunk.rowCount;
    for (let c = 0; c < width; c++) {
      const v = duckdb.data_chunk_get_vector(chunk.chunk, c);
      lengths[c]!.push(int32s(duckdb.vector_get_data(v, m * 4), m).slice());
      const valid = duckdb.vector_get_validity(v, Math.ceil(m / 64) * 8);
      valids[c]!.push(valid ? valid.slice() : null);
    }
    rows += m;
  }
  // The bytes: one ordered `string_agg` of each row's values concatenated (one sort for all columns, not one
  // per column), cut into the columns with the lengths just read.
  const bytesSql = `SELECT encode(string_agg(concat(${text.join(', ')}), '' ORDER BY ${selection.orderBy})) FROM ${selection.from}${where}`;
  const reader = await connection.runAndReadAll(bytesSql, params);
  const blob = reader.getRows()[0]?.[0] as { bytes?: Uint8Array } | null | undefined;
  const joined = blob?.bytes ?? new Uint8Array(0);
  const columns = expressions.map((_, c) => {
    const offsets = new Int32Array(rows + 1);
    let validity: Uint8Array | null = null;
    let nullCount = 0;
    let at = 0;
    let end = 0;
    const parts = lengths[c]!;
    for (let p = 0; p < parts.length; p++) {
      const lens = parts[p]!;
      const valid = valids[c]![p];
      for (let i = 0; i < lens.length; i++) {
        if (valid && !(valid[i >> 3]! & (1 << (i & 7)))) {
          if (!validity) validity = new Uint8Array(((rows + 63) >> 6) << 3).fill(0xff);
          const r = at + i;
          validity[r >> 3]! &= ~(1 << (r & 7));
          nullCount++;
        } else end += lens[i]!;
        offsets[at + i + 1] = end;
      }
      at += lens.length;
    }
    return {
      length: rows,
      offsets,
      data: new Uint8Array(end),
      validity: nullCount > 0 ? validity : null,
      nullCount,
    };
  });
  const total = columns.reduce((n, col) => n + col.data.length, 0);
  if (joined.length !== total) {
    throw new WarehouseError(
      `text columns: the lengths add up to ${total} bytes but the values hold ${joined.length}; the relation changed between the two reads`,
      { sql: bytesSql },
    );
  }
  transpose(joined, columns);
  return columns;
}

/** Copies rows of values laid out back to back (row by row, column by column) into the columns' buffers. */
function transpose(rowMajor: Uint8Array, columns: readonly TextColumn[]): void {
  const rows = columns[0]?.length ?? 0;
  const width = columns.length;
  const offsets = columns.map((col) => col.offsets);
  const datas = columns.map((col) => col.data);
  let p = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < width; c++) {
      const o = offsets[c]!;
      let at = o[r]!;
      const end = o[r + 1]!;
      const data = datas[c]!;
      if (end - at > 64) {
        data.set(rowMajor.subarray(p, p + end - at), at);
        p += end - at;
      } else while (at < end) data[at++] = rowMajor[p++]!;
    }
  }
}

/**
 * Checks that every value of a text column is well-formed UTF-8 (the buffer as a whole, and no value starting
 * inside a character), as DuckDB requires of VARCHAR. Returns the row of the first bad value, or -1.
 */
export function invalidUtf8Row(column: TextColumn): number {
  const { offsets, data, length } = column;
  if (length === 0) return -1;
  const first = offsets[0]!;
  const last = offsets[length]!;
  if (first < 0 || last > data.length || first > last) return 0;
  if (!isUtf8(data.subarray(first, last))) {
    for (let r = 0; r < length; r++) if (!isUtf8(data.subarray(offsets[r]!, offsets[r + 1]!))) return r;
    return 0;
  }
  for (let r = 0; r < length; r++) {
    const s = offsets[r]!;
    const e = offsets[r + 1]!;
    if (e < s) return r;
    if (s < last && (data[s]! & 0xc0) === 0x80 && e > s) return r;
  }
  return -1;
}

/**
 * Appends columns (as rows) to a table, one DuckDB data chunk per vector, each column in its own type: fixed-width
 * columns are copied into DuckDB's vectors as they are; text columns are VARCHAR vectors (values of up to 12
 * bytes written straight into DuckDB's inline string headers, longer ones with one
 * `duckdb_vector_assign_string_element_len` each). DuckDB casts a vector whose type differs from the table
 * column's, as CAST does. The caller checks text for UTF-8 first (`invalidUtf8Row`).
 */
export async function appendColumns(
  connection: DuckDBConnection,
  table: string,
  columns: readonly (TextColumn | FixedColumn)[],
  opts: { schema?: string; catalog?: string },
): Promise<number> {
  const rows = columns[0]?.length ?? 0;
  for (const col of columns) {
    if (col.length !== rows) {
      throw new WarehouseError(`append: columns of ${table} have ${rows} and ${col.length} rows`);
    }
  }
  const appender = await connection.createAppender(table, opts.schema ?? null, opts.catalog ?? null);
  try {
    const types = columns.map((c) => ('type' in c ? FIXED_TYPES[c.type].duckdb : VARCHAR));
    const headers = new Uint8Array(VECTOR_SIZE * 16);
    const lengths = new Uint32Array(headers.buffer);
    const validityWords = new Uint8Array(Math.ceil(VECTOR_SIZE / 64) * 8);
    for (let start = 0; start < rows; start += VECTOR_SIZE) {
      const m = Math.min(VECTOR_SIZE, rows - start);
      const chunk = DuckDBDataChunk.create(types, m);
      for (let c = 0; c < columns.length; c++) {
        const column = columns[c]!;
        const vector = duckdb.data_chunk_get_vector(chunk.chunk, c);
        if ('type' in column) {
          const w = FIXED_TYPES[column.type].width;
          const { data } = column;
          duckdb.copy_data_to_vector(
            vector,
            0,
            data.buffer as ArrayBuffer,
            data.byteOffset + start * w,
            m * w,
          );
        } else {
          const { offsets, data } = column;
          headers.fill(0, 0, m * 16);
          const long: number[] = [];
          for (let i = 0; i < m; i++) {
            const s = offsets[start + i]!;
            const len = offsets[start + i + 1]! - s;
            if (len > INLINE_BYTES) {
              long.push(i);
              continue;
            }
            lengths[i * 4] = len;
            const h = i * 16 + 4;
            for (let k = 0; k < len; k++) headers[h + k] = data[s + k]!;
          }
          duckdb.copy_data_to_vector(vector, 0, headers.buffer, 0, m * 16);
          for (const i of long) {
            duckdb.vector_assign_string_element_len(
              vector,
              i,
              data.subarray(offsets[start + i]!, offsets[start + i + 1]!),
            );
          }
        }
        const { validity } = column;
        if (validity) {
          validityWords.fill(0xff);
          // `start` is a multiple of the vector size (a multiple of 64), so whole bytes line up.
          validityWords.set(validity.subarray(start >> 3, Math.min(validity.length, (start + m + 7) >> 3)));
          duckdb.vector_ensure_validity_writable(vector);
          duckdb.copy_data_to_vector_validity(vector, 0, validityWords.buffer, 0, Math.ceil(m / 64) * 8);
        }
      }
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return rows;
}
