import {
  DataType,
  Field,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableFromIPC,
  tableToIPC,
  Utf8,
} from 'apache-arrow';
import { invalidUtf8Row, type TextColumn } from '../warehouse/index.ts';
import { PlatformRejection } from './errors.ts';

/** The media type of pushed and returned chunks. */
export const ARROW_STREAM = 'application/vnd.apache.arrow.stream';

/** Schema-metadata key holding the DuckDB type of a column. */
const TYPE_KEY = 'gongshu:type';
/** Schema-metadata key holding the chunk header (JSON). */
const HEADER_KEY = 'gongshu:header';

/** DuckDB column types a chunk may declare (values travel as text and are cast on arrival). */
const SQL_TYPE =
  /^(VARCHAR|BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT|DOUBLE|FLOAT|BOOLEAN|DATE|TIME|TIMESTAMP|TIMESTAMP WITH TIME ZONE|TIMESTAMP_NS|TIMESTAMP_MS|TIMESTAMP_S|UUID|JSON|DECIMAL\(\d{1,2},\d{1,2}\))$/;

/** A column of a chunk: its name and DuckDB type. */
export interface WireColumn {
  readonly name: string;
  readonly type: string;
}

/** A decoded chunk: its header, columns, and values column by column (Arrow Utf8 buffers; text or null). */
export interface DecodedChunk<H> {
  readonly header: H;
  readonly columns: readonly WireColumn[];
  /** The columns as received (UTF-8 checked), for columnar loading. */
  readonly text: readonly TextColumn[];
  /** The values as JS strings, decoded on first use. */
  readonly values: readonly (readonly (string | null)[])[];
  readonly rows: number;
}

/**
 * Encodes rows as one Arrow IPC stream: every column Utf8 (the exact text of the value, so DECIMAL, DATE and
 * TIMESTAMPTZ round-trip losslessly) with its DuckDB type in the field metadata, and a JSON header in the schema
 * metadata (inside the signed body).
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

/** `encodeChunk` from columns already in Arrow Utf8 layout (as `Warehouse.textColumns` reads them). */
export function encodeTextChunk(
  header: unknown,
  columns: readonly WireColumn[],
  text: readonly TextColumn[],
): Buffer {
  const rows = text[0]?.length ?? 0;
  const fields = columns.map((c) => new Field(c.name, new Utf8(), true, new Map([[TYPE_KEY, c.type]])));
  const children = text.map((t) =>
    makeData({
      type: new Utf8(),
      length: t.length,
      nullCount: t.nullCount,
      nullBitmap: t.nullCount > 0 ? t.validity : null,
      valueOffsets: t.offsets,
      data: t.data,
    }),
  );
  const schema = new Schema(fields, new Map([[HEADER_KEY, JSON.stringify(header)]]));
  const data = makeData({ type: new Struct(fields), length: rows, nullCount: 0, children });
  const table = new Table([new RecordBatch(schema, data)]);
  const bytes = tableToIPC(table, 'stream');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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
  const text: TextColumn[] = [];
  const seen = new Set<string>();
  for (const [i, f] of table.schema.fields.entries()) {
    const type = f.metadata.get(TYPE_KEY) ?? '';
    if (!DataType.isUtf8(f.type) || !SQL_TYPE.test(type) || seen.has(f.name) || f.name.length === 0) {
      throw new PlatformRejection(
        400,
        'malformed-arrow',
        `column ${JSON.stringify(f.name)}: expected a unique Utf8 column with a "${TYPE_KEY}" of a DuckDB type; got ${f.type} ${JSON.stringify(type)}`,
      );
    }
    seen.add(f.name);
    columns.push({ name: f.name, type });
    const t = columnOf(table, i);
    const bad = invalidUtf8Row(t);
    if (bad >= 0) {
      throw new PlatformRejection(
        400,
        'malformed-arrow',
        `column ${JSON.stringify(f.name)}: row ${bad + 1} is not well-formed UTF-8 text; nothing was stored`,
      );
    }
    text.push(t);
  }
  let values: (string | null)[][] | undefined;
  return {
    header,
    columns,
    text,
    get values() {
      values ??= text.map(textValues);
      return values;
    },
    rows: table.numRows,
  };
}
