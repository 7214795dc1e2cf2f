import { type DataType, type Field, Type } from 'apache-arrow';
import type { SourceColumnType } from '../types.ts';

/** Converts one Arrow value to canonical text for the column's declared type. */
export type ValueToText = (value: unknown) => string | null;

/** How one Arrow column is declared to the loader and turned into text. */
export interface ColumnMapping {
  readonly type: SourceColumnType;
  readonly toText: ValueToText;
}

/**
 * Maps an Arrow field to a source column type and a text conversion: Int* → integer, Float/Decimal →
 * decimal, Date → date (`YYYY-MM-DD`), Timestamp → timestamp (ISO 8601, UTC), Bool → boolean, Utf8 →
 * string; anything else (lists, structs, maps, binary, time, intervals) → string holding JSON text.
 */
export function mapField(field: Field): ColumnMapping {
  const type = field.type as DataType;
  switch (type.typeId) {
    case Type.Int:
      return { type: 'integer', toText: (v) => String(v) };
    case Type.Float: {
      const single = (type as DataType & { precision: number }).precision === 1;
      return { type: 'decimal', toText: (v) => floatText(v as number, single) };
    }
    case Type.Decimal: {
      const scale = (type as DataType & { scale: number }).scale;
      return { type: 'decimal', toText: (v) => decimalText(String(v), scale) };
    }
    case Type.Date:
      return { type: 'date', toText: (v) => isoFromMs(v as number).slice(0, 10) };
    case Type.Timestamp:
      return { type: 'timestamp', toText: (v) => isoFromMs(v as number) };
    case Type.Bool:
      return { type: 'boolean', toText: (v) => (v ? 'true' : 'false') };
    case Type.Utf8:
    case Type.LargeUtf8:
      return { type: 'string', toText: (v) => String(v) };
    case Type.Dictionary: {
      const inner = mapField({
        ...field,
        type: (type as DataType & { dictionary: DataType }).dictionary,
      } as Field);
      return inner;
    }
    default:
      return { type: 'string', toText: jsonText };
  }
}

/** Shortest text that reads back as the same float (float32 values are not widened to float64 noise). */
function floatText(v: number, single: boolean): string | null {
  if (!Number.isFinite(v)) return null;
  if (!single) return String(v);
  for (let p = 1; p <= 9; p++) {
    const s = String(Number(v.toPrecision(p)));
    if (Math.fround(Number(s)) === v) return s;
  }
  return String(v);
}

/** Places the decimal point in an unscaled integer string: (`-12345`, 2) → `-123.45`. */
export function decimalText(unscaled: string, scale: number): string {
  if (scale <= 0) return scale === 0 ? unscaled : unscaled + '0'.repeat(-scale);
  const negative = unscaled.startsWith('-');
  const digits = (negative ? unscaled.slice(1) : unscaled).padStart(scale + 1, '0');
  const text = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/** `YYYY-MM-DDTHH:MM:SS` (with `.sss` when there are milliseconds), in UTC. */
function isoFromMs(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? iso.slice(0, 19) : iso.slice(0, 23);
}

function jsonText(value: unknown): string {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v !== null && typeof v === 'object' && 'toJSON' in v) return v;
    if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
    return v;
  });
}
