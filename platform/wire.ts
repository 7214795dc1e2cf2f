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

/** A decoded chunk: its header, columns, and values column by column (text or null). */
export interface DecodedChunk<H> {
  readonly header: H;
  readonly columns: readonly WireColumn[];
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
  const fields = columns.map((c) => new Field(c.name, new Utf8(), true, new Map([[TYPE_KEY, c.type]])));
  const children = columns.map((_, i) => utf8Data(values[i]!, rows));
  const schema = new Schema(fields, new Map([[HEADER_KEY, JSON.stringify(header)]]));
  const data = makeData({ type: new Struct(fields), length: rows, nullCount: 0, children });
  const table = new Table([new RecordBatch(schema, data)]);
  return Buffer.from(tableToIPC(table, 'stream'));
}

/** Builds Arrow Utf8 data directly (offsets, UTF-8 bytes, validity): several times faster than a Builder. */
function utf8Data(values: readonly (string | null)[], rows: number) {
  let bytes = 0;
  for (let r = 0; r < rows; r++) {
    const v = values[r];
    if (v) bytes += v.length * 3;
  }
  const data = Buffer.allocUnsafe(bytes);
  const valueOffsets = new Int32Array(rows + 1);
  const nullBitmap = new Uint8Array(((rows + 63) >> 6) << 3);
  let nullCount = 0;
  let at = 0;
  for (let r = 0; r < rows; r++) {
    const v = values[r];
    if (v === null || v === undefined) nullCount++;
    else {
      nullBitmap[r >> 3]! |= 1 << (r & 7);
      if (v.length > 0) at += data.write(v, at, 'utf8');
    }
    valueOffsets[r + 1] = at;
  }
  return makeData({
    type: new Utf8(),
    length: rows,
    nullCount,
    nullBitmap: nullCount > 0 ? nullBitmap : null,
    valueOffsets,
    data: new Uint8Array(data.buffer, data.byteOffset, at),
  });
}

/** The values of a Utf8 column, read straight from its buffers. */
function utf8Values(table: Table, column: number): (string | null)[] {
  const out = new Array<string | null>(table.numRows);
  let r = 0;
  for (const batch of table.batches) {
    const d = batch.data.children[column]!;
    const offsets = d.valueOffsets as Int32Array;
    const bytes = Buffer.from(d.values.buffer, d.values.byteOffset, d.values.byteLength);
    const bitmap = d.nullBitmap;
    const hasNulls = d.nullCount > 0 && bitmap && bitmap.length > 0;
    for (let i = 0; i < d.length; i++, r++) {
      const j = d.offset + i;
      if (hasNulls && !(bitmap![j >> 3]! & (1 << (j & 7)))) out[r] = null;
      else out[r] = bytes.toString('utf8', offsets[j]!, offsets[j + 1]!);
    }
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
  const values: (string | null)[][] = [];
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
    values.push(utf8Values(table, i));
  }
  return { header, columns, values, rows: table.numRows };
}
