import { isUtf8 } from 'node:buffer';
import type { DuckDBConnection, DuckDBType, DuckDBValue } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import { duckdbApi } from './duckdb-api.ts';
import { WarehouseError } from './errors.ts';

const { BIGINT, DATE, DuckDBTypeId, INTEGER, TIMESTAMP, TIMESTAMPTZ } = duckdbApi;
type DuckDBTypeId = import('@duckdb/node-api').DuckDBTypeId;

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
