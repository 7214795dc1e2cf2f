import {
  type Data,
  DataType,
  DateDay,
  DateUnit,
  Field,
  Int32,
  Int64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  TimestampMicrosecond,
  TimeUnit,
  tableFromIPC,
  tableToIPC,
  Utf8,
} from 'apache-arrow';
import {
  FIXED_TYPES,
  type FixedColumn,
  type FixedType,
  invalidUtf8Row,
  isFixedType,
  type TextColumn,
} from '../../warehouse/index.ts';
import { PlatformRejection } from '../errors.ts';

/** The media type of pushed and returned chunks. */
export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';

/** Schema-metadata key holding the DuckDB type of a column. */
const TYPE_KEY = 'gongshu:type';
/** Schema-metadata key holding the chunk header (JSON). */
const HEADER_KEY = 'gongshu:header';

/** DuckDB column types a chunk may declare as Utf8 (values travel as text and are cast on arrival). */
const SQL_TYPE =
  /^(VARCHAR|BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT|DOUBLE|FLOAT|BOOLEAN|DATE|TIME|TIMESTAMP|TIMESTAMP WITH TIME ZONE|TIMESTAMP_NS|TIMESTAMP_MS|TIMESTAMP_S|UUID|JSON|DECIMAL\(\d{1,2},\d{1,2}\))$/;

/** A column of a chunk: its name and DuckDB type. */
export interface WireColumn {
  readonly name: string;
  readonly type: string;
}

/** The Arrow type a fixed-width DuckDB type travels as. */
function arrowType(type: FixedType): DataType {
  switch (type) {
    case 'INTEGER':
      return new Int32();
    case 'BIGINT':
      return new Int64();
    case 'DATE':
      return new DateDay();
    case 'TIMESTAMP':
      return new TimestampMicrosecond();
    case 'TIMESTAMP WITH TIME ZONE':
      return new TimestampMicrosecond('UTC');
  }
}

/** Whether an Arrow field type is exactly the one `type` travels as. */
function isArrowTypeOf(t: DataType, type: FixedType): boolean {
  switch (type) {
    case 'INTEGER':
      return DataType.isInt(t) && t.isSigned && t.bitWidth === 32;
    case 'BIGINT':
      return DataType.isInt(t) && t.isSigned && t.bitWidth === 64;
    case 'DATE':
      return DataType.isDate(t) && t.unit === DateUnit.DAY;
    case 'TIMESTAMP':
      return DataType.isTimestamp(t) && t.unit === TimeUnit.MICROSECOND && !t.timezone;
    case 'TIMESTAMP WITH TIME ZONE':
      return DataType.isTimestamp(t) && t.unit === TimeUnit.MICROSECOND && t.timezone === 'UTC';
  }
}

/** A decoded chunk: its header, columns, and values column by column. */
export interface DecodedChunk<H> {
  readonly header: H;
  readonly columns: readonly WireColumn[];
  /**
   * The columns as received, for columnar loading: Utf8 columns as `TextColumn` (UTF-8 checked), typed columns
   * as `FixedColumn`.
   */
  readonly data: readonly (TextColumn | FixedColumn)[];
  /** The values as JS strings, decoded on first use. */
  readonly values: readonly (readonly (string | null)[])[];
  readonly rows: number;
  /** The stream as received (e.g. for `Warehouse.insertArrow`). */
  readonly ipc: Uint8Array;
}

/**
 * Encodes rows as one Arrow IPC stream, the format of pushed and returned chunks:
 * - the schema metadata `gongshu:header` holds the JSON header (inside the signed body);
 * - every field carries its DuckDB type in the field metadata `gongshu:type`, and its Arrow type is fixed by it:
 *   INTEGER → Int32, BIGINT → Int64, DATE → Date32 (days since 1970-01-01), TIMESTAMP → Timestamp(µs),
 *   TIMESTAMP WITH TIME ZONE → Timestamp(µs, "UTC") (the instant; DuckDB's own representation), or any of
 *   `SQL_TYPE` as Utf8 holding the exact text of the value (cast on arrival; so DECIMAL etc. round-trip
 *   losslessly);
 * - any other combination, a buffer shorter than its rows or text that is not UTF-8 is refused (400).
 * This function writes every column as Utf8 (for JS values); `encodeColumns` writes typed columns natively.
 */
export function encodeChunk(
  header: unknown,
  columns: readonly WireColumn[],
  values: readonly (readonly (string | null)[])[],
): Buffer {
  const rows = values[0]?.length ?? 0;
  return encodeTextChunk(
    header,
    columns,
    columns.map((_, i) => textColumn(values[i]!, rows)),
  );
}

/**
 * `encodeChunk` from columns already in columnar layout (as `Warehouse.fixedColumns` reads typed ones): a
 * `FixedColumn` travels as its Arrow type, a `TextColumn` as Utf8.
 */
export function encodeTextChunk(
  header: unknown,
  columns: readonly WireColumn[],
  values: readonly (TextColumn | FixedColumn)[],
): Buffer {
  const rows = values[0]?.length ?? 0;
  const fields = columns.map((c, i) => {
    const d = values[i]!;
    if ('type' in d && d.type !== c.type) {
      throw new Error(`encode: column ${c.name} is ${c.type} but its values are ${d.type}`);
    }
    const type = 'type' in d ? arrowType(d.type) : new Utf8();
    return new Field(c.name, type, true, new Map([[TYPE_KEY, c.type]]));
  });
  const children = values.map((t, i): Data => {
    const nullBitmap = t.nullCount > 0 ? t.validity : null;
    if ('type' in t) {
      const { buffer, byteOffset } = t.data;
      const props = { length: t.length, nullCount: t.nullCount, nullBitmap };
      // makeData dispatches on the type id; Date32 and Timestamp(µs) share Int32's and Int64's buffer layout.
      return FIXED_TYPES[t.type].width === 8
        ? makeData({
            ...props,
            type: fields[i]!.type as Int64,
            data: new BigInt64Array(buffer, byteOffset, t.length),
          })
        : makeData({
            ...props,
            type: fields[i]!.type as Int32,
            data: new Int32Array(buffer, byteOffset, t.length),
          });
    }
    return makeData({
      type: new Utf8(),
      length: t.length,
      nullCount: t.nullCount,
      nullBitmap,
      valueOffsets: t.offsets,
      data: t.data,
    });
  });
  const schema = new Schema(fields, new Map([[HEADER_KEY, JSON.stringify(header)]]));
  const data = makeData({ type: new Struct(fields), length: rows, nullCount: 0, children });
  const table = new Table([new RecordBatch(schema, data)]);
  const bytes = tableToIPC(table, 'stream');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The byte length of the first message (the schema) of an Arrow IPC stream; metadata only, it has no body. */
function schemaMessageBytes(ipc: Uint8Array): number {
  const view = new DataView(ipc.buffer, ipc.byteOffset, ipc.byteLength);
  if (ipc.byteLength < 8) return -1;
  // An encapsulated message: 0xFFFFFFFF, the metadata length, the metadata (padded to 8 bytes).
  if (view.getInt32(0, true) !== -1) return -1;
  const end = 8 + view.getInt32(4, true);
  return end > 8 && end <= ipc.byteLength ? end : -1;
}

/** The end-of-stream marker of an Arrow IPC stream. */
const END_OF_STREAM = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);

/**
 * `encodeChunk` from an Arrow IPC stream the warehouse wrote (`Warehouse.arrowStream`, one column per wire column,
 * in order, each of the Arrow type its DuckDB type travels as): its schema message is replaced by one carrying
 * the header and the `gongshu:type` of each field; its record batches travel as they are (their layout does not
 * depend on metadata), so no value is copied or decoded here.
 */
export function encodeStreamChunk(header: unknown, columns: readonly WireColumn[], ipc: Uint8Array): Buffer {
  const theirs = schemaMessageBytes(ipc);
  const found =
    theirs > 0
      ? tableFromIPC(Buffer.concat([ipc.subarray(0, theirs), END_OF_STREAM])).schema.fields
      : undefined;
  const bad = columns.findIndex((c, i) => {
    const f = found?.[i];
    if (!f || f.name !== c.name) return true;
    return isFixedType(c.type) ? !isArrowTypeOf(f.type, c.type) : !DataType.isUtf8(f.type);
  });
  if (bad >= 0 || found?.length !== columns.length) {
    const c = columns[bad] ?? columns[0];
    throw new Error(
      `encode: column ${c?.name} (${c?.type}) is ${found?.[bad]?.type ?? 'missing'} in the stream; expected ${columns.length} columns in order, each as the Arrow type of its DuckDB type (other types as Utf8)`,
    );
  }
  const fields = columns.map((c) => {
    const type = isFixedType(c.type) ? arrowType(c.type) : new Utf8();
    return new Field(c.name, type, true, new Map([[TYPE_KEY, c.type]]));
  });
  const schema = new Schema(fields, new Map([[HEADER_KEY, JSON.stringify(header)]]));
  const ours = tableToIPC(new Table(schema), 'stream');
  const mine = schemaMessageBytes(ours);
  return Buffer.concat([ours.subarray(0, mine), ipc.subarray(theirs)]);
}

/** Builds an Arrow Utf8 column from JS strings (offsets, UTF-8 bytes, validity). */
function textColumn(values: readonly (string | null)[], rows: number): TextColumn {
  let bytes = 0;
  for (let r = 0; r < rows; r++) {
    const v = values[r];
    if (v) bytes += v.length * 3;
  }
  const data = Buffer.allocUnsafe(bytes);
  const offsets = new Int32Array(rows + 1);
  const validity = new Uint8Array(((rows + 63) >> 6) << 3);
  let nullCount = 0;
  let at = 0;
  for (let r = 0; r < rows; r++) {
    const v = values[r];
    if (v === null || v === undefined) nullCount++;
    else {
      validity[r >> 3]! |= 1 << (r & 7);
      if (v.length > 0) at += data.write(v, at, 'utf8');
    }
    offsets[r + 1] = at;
  }
  return {
    length: rows,
    offsets,
    data: new Uint8Array(data.buffer, data.byteOffset, at),
    validity: nullCount > 0 ? validity : null,
    nullCount,
  };
}

/** A Utf8 column of a decoded table as one TextColumn (copied together when the stream has several batches). */
function columnOf(table: Table, column: number): TextColumn {
  const parts = table.batches.map((b) => b.data.children[column]!);
  if (parts.length === 1 && parts[0]!.offset === 0) {
    const d = parts[0]!;
    const bitmap = d.nullBitmap;
    return {
      length: d.length,
      offsets: d.valueOffsets as Int32Array,
      data: d.values as Uint8Array,
      validity: d.nullCount > 0 && bitmap && bitmap.length > 0 ? bitmap : null,
      nullCount: d.nullCount > 0 && bitmap && bitmap.length > 0 ? d.nullCount : 0,
    };
  }
  const rows = table.numRows;
  const offsets = new Int32Array(rows + 1);
  const validity = new Uint8Array(((rows + 63) >> 6) << 3);
  let total = 0;
  for (const d of parts) {
    const o = d.valueOffsets as Int32Array;
    total += o[d.offset + d.length]! - o[d.offset]!;
  }
  const data = new Uint8Array(total);
  let r = 0;
  let at = 0;
  let nullCount = 0;
  for (const d of parts) {
    const o = d.valueOffsets as Int32Array;
    const bytes = d.values as Uint8Array;
    const bitmap = d.nullCount > 0 && d.nullBitmap && d.nullBitmap.length > 0 ? d.nullBitmap : null;
    for (let i = 0; i < d.length; i++, r++) {
      const j = d.offset + i;
      if (bitmap && !(bitmap[j >> 3]! & (1 << (j & 7)))) nullCount++;
      else {
        validity[r >> 3]! |= 1 << (r & 7);
        data.set(bytes.subarray(o[j]!, o[j + 1]!), at);
        at += o[j + 1]! - o[j]!;
      }
      offsets[r + 1] = at;
    }
  }
  return { length: rows, offsets, data, validity: nullCount > 0 ? validity : null, nullCount };
}

/** A fixed-width column of a decoded table as one FixedColumn (copied when the stream has several batches). */
function fixedOf(table: Table, column: number, type: FixedType): FixedColumn {
  const w = FIXED_TYPES[type].width;
  const rows = table.numRows;
  const data = new Uint8Array(rows * w);
  let validity: Uint8Array | null = null;
  let nullCount = 0;
  let r = 0;
  for (const b of table.batches) {
    const d = b.data.children[column]!;
    const v = d.values as Int32Array | BigInt64Array | undefined;
    if (!v || v.BYTES_PER_ELEMENT !== w || v.length < d.offset + d.length) {
      throw new Error(`its values hold ${v?.length ?? 0} numbers for ${d.length} rows`);
    }
    data.set(new Uint8Array(v.buffer, v.byteOffset + d.offset * w, d.length * w), r * w);
    const bitmap = d.nullCount > 0 && d.nullBitmap && d.nullBitmap.length > 0 ? d.nullBitmap : null;
    if (bitmap) {
      if (bitmap.length * 8 < d.offset + d.length)
        throw new Error('its validity bitmap is shorter than its rows');
      for (let i = 0; i < d.length; i++) {
        const j = d.offset + i;
        if (bitmap[j >> 3]! & (1 << (j & 7))) continue;
        validity ??= new Uint8Array(((rows + 63) >> 6) << 3).fill(0xff);
        validity[(r + i) >> 3]! &= ~(1 << ((r + i) & 7));
        nullCount++;
      }
    }
    r += d.length;
  }
  return { type, length: rows, data, validity: nullCount > 0 ? validity : null, nullCount };
}

const pad = (n: number | bigint, w: number) => String(n).padStart(w, '0');

/** The values of a fixed-width column as the text DuckDB reads back (`CAST(… AS <type>)`). */
function fixedValues(f: FixedColumn): (string | null)[] {
  const out = new Array<string | null>(f.length);
  const w = FIXED_TYPES[f.type].width;
  const view = new DataView(f.data.buffer, f.data.byteOffset, f.data.byteLength);
  const dayText = (days: number) => {
    const d = new Date(days * 86_400_000);
    const y = d.getUTCFullYear();
    const year = y > 0 ? pad(y, 4) : `${pad(1 - y, 4)}`;
    return `${year}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}${y > 0 ? '' : ' (BC)'}`;
  };
  for (let r = 0; r < f.length; r++) {
    if (f.validity && !(f.validity[r >> 3]! & (1 << (r & 7)))) {
      out[r] = null;
      continue;
    }
    if (w === 4) {
      const n = view.getInt32(r * 4, true);
      out[r] = f.type === 'DATE' ? dayText(n) : String(n);
      continue;
    }
    const n = view.getBigInt64(r * 8, true);
    if (f.type === 'BIGINT') {
      out[r] = String(n);
      continue;
    }
    const day = n >= 0n ? n / 86_400_000_000n : -((-n + 86_399_999_999n) / 86_400_000_000n);
    const us = n - day * 86_400_000_000n;
    const [date, bc = ''] = dayText(Number(day)).split(' ');
    const time = `${pad(us / 3_600_000_000n, 2)}:${pad((us / 60_000_000n) % 60n, 2)}:${pad((us / 1_000_000n) % 60n, 2)}.${pad(us % 1_000_000n, 6)}`;
    out[r] = `${date} ${time}${f.type === 'TIMESTAMP' ? '' : '+00'}${bc ? ` ${bc}` : ''}`;
  }
  return out;
}

/** The values of a text column as JS strings. */
function textValues(t: TextColumn): (string | null)[] {
  const out = new Array<string | null>(t.length);
  const bytes = Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const { offsets, validity } = t;
  for (let r = 0; r < t.length; r++) {
    if (validity && !(validity[r >> 3]! & (1 << (r & 7)))) out[r] = null;
    else out[r] = bytes.toString('utf8', offsets[r]!, offsets[r + 1]!);
  }
  return out;
}

/** Decodes a chunk; a body that is not such a stream is refused with 400 and nothing stored. */
export function decodeChunk<H>(body: Buffer, parseHeader: (raw: unknown) => H): DecodedChunk<H> {
  let table: Table;
  try {
    if (body.length === 0) throw new Error('empty body');
    table = tableFromIPC(body);
    if (table.schema.fields.length === 0) throw new Error('no columns');
  } catch (error) {
    throw new PlatformRejection(
      400,
      'malformed-arrow',
      `the body is not an Arrow IPC stream (${(error as Error).message}). Expected ${ARROW_STREAM} as written by gongshu push`,
    );
  }
  const rawHeader = table.schema.metadata.get(HEADER_KEY);
  let header: H;
  try {
    header = parseHeader(rawHeader === undefined ? undefined : JSON.parse(rawHeader));
  } catch (error) {
    if (error instanceof PlatformRejection) throw error;
    throw new PlatformRejection(
      400,
      'malformed-header',
      `the chunk header (schema metadata "${HEADER_KEY}") is missing or not valid JSON`,
    );
  }
  const columns: WireColumn[] = [];
  const data: (TextColumn | FixedColumn)[] = [];
  const seen = new Set<string>();
  for (const b of table.batches) {
    const bad = b.data.children.findIndex((d) => d.length !== b.numRows);
    if (bad >= 0) {
      throw new PlatformRejection(
        400,
        'malformed-arrow',
        `column ${JSON.stringify(table.schema.fields[bad]?.name)}: holds ${b.data.children[bad]!.length} values in a batch of ${b.numRows} rows; nothing was stored`,
      );
    }
  }
  for (const [i, f] of table.schema.fields.entries()) {
    const type = f.metadata.get(TYPE_KEY) ?? '';
    const fixed = isFixedType(type) && isArrowTypeOf(f.type, type);
    if (
      !(fixed || (DataType.isUtf8(f.type) && SQL_TYPE.test(type))) ||
      seen.has(f.name) ||
      f.name.length === 0
    ) {
      throw new PlatformRejection(
        400,
        'malformed-arrow',
        `column ${JSON.stringify(f.name)}: expected a unique column with a "${TYPE_KEY}" of a DuckDB type, as Utf8 or (INTEGER, BIGINT, DATE, TIMESTAMP, TIMESTAMP WITH TIME ZONE) as Int32, Int64, Date32, Timestamp(µs), Timestamp(µs, "UTC"); got ${f.type} ${JSON.stringify(type)}`,
      );
    }
    seen.add(f.name);
    columns.push({ name: f.name, type });
    if (fixed) {
      try {
        data.push(fixedOf(table, i, type));
      } catch (error) {
        throw new PlatformRejection(
          400,
          'malformed-arrow',
          `column ${JSON.stringify(f.name)}: ${(error as Error).message}; nothing was stored`,
        );
      }
      continue;
    }
    const t = columnOf(table, i);
    const bad = invalidUtf8Row(t);
    if (bad >= 0) {
      throw new PlatformRejection(
        400,
        'malformed-arrow',
        `column ${JSON.stringify(f.name)}: row ${bad + 1} is not well-formed UTF-8 text; nothing was stored`,
      );
    }
    data.push(t);
  }
  let values: (string | null)[][] | undefined;
  return {
    header,
    columns,
    data,
    get values() {
      values ??= data.map((d) => ('type' in d ? fixedValues(d) : textValues(d)));
      return values;
    },
    rows: table.numRows,
    ipc: body,
  };
}
